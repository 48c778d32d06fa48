import { describe, expect, it } from 'vitest';
import { PETS } from '../../../catalog/products.ts';
import { evaluate, loadShippedEvaluationSet, parseEvaluationSet } from './evaluation.ts';
import type { EvaluationSet } from './evaluation.ts';
import { preferencesSchema } from './preferences.ts';
import type { RecommendationModel, ScoredPet } from './recommendation.ts';
import { rulesModel } from './rules-model.ts';
import { createWeightedModel, SEED_WEIGHTS, weightedModel } from './weighted-model.ts';

const set = loadShippedEvaluationSet();

/** A model with a fixed ranking, to check the metric arithmetic by hand. */
const fixed = (order: string[]): RecommendationModel => ({
  variant: 'v1',
  version: 'fixed',
  rank: () =>
    order.map((id): ScoredPet => {
      const pet = PETS.find((p) => p.id === id) ?? PETS[0]!;
      return {
        pet,
        confidence: 1,
        requirements: 1,
        factors: { category: 1, activity: 1, living: 1, experience: 1, price: 1, care: 1 },
      };
    }),
  recommend: () => [],
});

describe('shipped evaluation set', () => {
  it('has at least 60 valid, varied cases', () => {
    expect(set.cases.length).toBeGreaterThanOrEqual(60);
    const categories = new Set(set.cases.flatMap((c) => c.preferences.pet_types ?? []));
    expect(categories.size).toBe(6);
    const living = new Set(set.cases.map((c) => c.preferences.living_situation).filter(Boolean));
    expect(living.size).toBe(4);
    expect(set.cases.filter((c) => c.preferences.budget_range).length).toBeGreaterThan(40);
    expect(set.cases.filter((c) => c.preferences.exclude_pets?.length).length).toBeGreaterThan(0);
    // Every pet is relevant somewhere: the set covers the whole catalog.
    expect(new Set(set.cases.flatMap((c) => c.relevant)).size).toBe(PETS.length);
  });

  it('rejects a malformed set, naming the problem', () => {
    const base = { k: 3, cases: [{ id: 'a', preferences: {}, relevant: ['persian-cat-002'] }] };
    expect(() => parseEvaluationSet(base)).not.toThrow();
    expect(() =>
      parseEvaluationSet({
        ...base,
        cases: [{ id: 'a', preferences: { activity_level: 'x' }, relevant: ['persian-cat-002'] }],
      }),
    ).toThrow(/activity_level must be one of/);
    expect(() =>
      parseEvaluationSet({ ...base, cases: [{ id: 'a', preferences: {}, relevant: ['nope'] }] }),
    ).toThrow(/not in the catalog/);
    expect(() =>
      parseEvaluationSet({
        ...base,
        cases: [
          { id: 'a', preferences: { exclude_pets: ['persian-cat-002'] }, relevant: ['persian-cat-002'] },
        ],
      }),
    ).toThrow(/relevant pet is excluded/);
    expect(() => parseEvaluationSet({ ...base, cases: [...base.cases, ...base.cases] })).toThrow(
      /duplicate case id/,
    );
  });
});

describe('evaluate', () => {
  const twoCases: EvaluationSet = {
    k: 3,
    cases: [
      { id: 'one', preferences: preferencesSchema.parse({}), relevant: ['canary-sunny-005'] },
      {
        id: 'two',
        preferences: preferencesSchema.parse({}),
        relevant: ['betta-blaze-020', 'persian-cat-002'],
      },
    ],
  };

  it('computes hit rate, precision, recall and MRR from the ranking', () => {
    // one: canary at rank 2 -> hit, precision 1/3, recall 1, RR 1/2
    // two: persian at rank 3 (betta at 5) -> hit, precision 1/3, recall 1/2, RR 1/3
    const r = evaluate(
      fixed([
        'golden-retriever-001',
        'canary-sunny-005',
        'persian-cat-002',
        'rabbit-fluffy-003',
        'betta-blaze-020',
      ]),
      twoCases,
    );
    expect(r).toMatchObject({
      cases: 2,
      k: 3,
      hit_rate_at_k: 1,
      precision_at_k: 0.3333,
      recall_at_k: 0.75,
      mrr: 0.4167,
      accuracy: 1,
    });
    const missFirst = evaluate(
      fixed(['golden-retriever-001', 'rabbit-fluffy-003', 'persian-cat-002', 'canary-sunny-005']),
      twoCases,
    );
    // one: canary at rank 4 -> miss, RR 1/4; two: persian at rank 3 -> hit, RR 1/3
    expect(missFirst).toMatchObject({
      hit_rate_at_k: 0.5,
      mrr: Math.round(((1 / 4 + 1 / 3) / 2) * 10_000) / 10_000,
    });
    expect(evaluate(fixed([]), twoCases)).toMatchObject({ hit_rate_at_k: 0, mrr: 0 });
  });

  it('v2 scores at least as well as v1 on the shipped set, and both are measured, not constant', () => {
    const v1 = evaluate(rulesModel, set);
    const v2 = evaluate(weightedModel, set);
    expect(v1.cases).toBe(set.cases.length);
    expect(v2.hit_rate_at_k).toBeGreaterThanOrEqual(v1.hit_rate_at_k);
    expect(v2.mrr).toBeGreaterThanOrEqual(v1.mrr);
    expect(v2.precision_at_k).toBeGreaterThanOrEqual(v1.precision_at_k);
    expect(v2.accuracy).toBeGreaterThan(0.9);
    expect(v2.model_version).toBe('v2-weighted');
  });

  it('changing the model changes the accuracy', () => {
    const seed = evaluate(weightedModel, set);
    const careOnly = evaluate(
      createWeightedModel({ category: 0, activity: 0, living: 0, experience: 0, price: 0, care: 1 }),
      set,
    );
    const noCategory = evaluate(createWeightedModel({ ...SEED_WEIGHTS, category: 0 }), set);
    expect(careOnly.accuracy).toBeLessThan(seed.accuracy);
    expect(careOnly.mrr).toBeLessThan(seed.mrr);
    expect(noCategory.mrr).not.toBe(seed.mrr);
    // And the labels matter: the same model on a changed set scores differently.
    const shuffled: EvaluationSet = {
      ...set,
      cases: set.cases
        .map((c) => ({ ...c, relevant: ['parrot-kiwi-017'] }))
        .filter((c) => !c.preferences.exclude_pets?.includes('parrot-kiwi-017')),
    };
    expect(evaluate(weightedModel, shuffled).accuracy).toBeLessThan(seed.accuracy);
  });

  it('k is configurable: a larger k never lowers the hit rate', () => {
    expect(evaluate(weightedModel, set, 5).hit_rate_at_k).toBeGreaterThanOrEqual(
      evaluate(weightedModel, set, 1).hit_rate_at_k,
    );
  });
});
