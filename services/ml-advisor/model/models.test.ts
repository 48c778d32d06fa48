import { describe, expect, it } from 'vitest';
import { PETS } from '../../../catalog/products.ts';
import { FACTOR_NAMES } from './factors.ts';
import { preferencesSchema } from './preferences.ts';
import type { PreferencesInput } from './preferences.ts';
import { petSimilarity, suppliesBundle } from './recommendation.ts';
import { rulesModel } from './rules-model.ts';
import { createWeightedModel, SEED_WEIGHTS, weightedModel } from './weighted-model.ts';

const prefs = (input: PreferencesInput) => preferencesSchema.parse(input);
const familyDog = prefs({
  pet_types: ['dog'],
  activity_level: 'high',
  living_situation: 'house',
  experience_with_pets: 'beginner',
  budget_range: { min: 500, max: 1000 },
  special_requirements: ['good_with_children'],
  max_recommendations: 3,
});

describe('v2 weighted model', () => {
  it('uses the seed weights', () => {
    expect(SEED_WEIGHTS).toEqual({
      category: 0.25,
      activity: 0.2,
      living: 0.2,
      experience: 0.15,
      price: 0.15,
      care: 0.05,
    });
    expect(Object.values(SEED_WEIGHTS).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });

  it('confidence is the weighted sum of the match factors it reports', () => {
    for (const rec of weightedModel.recommend(prefs({ ...familyDog, max_recommendations: 20 }))) {
      const expected = FACTOR_NAMES.reduce((s, f) => s + SEED_WEIGHTS[f] * rec.match_factors[f], 0);
      const pet = PETS.find((p) => p.id === rec.pet_id);
      const requirement = pet?.traits.includes('good_with_children') ? 1 : 0.5;
      expect(rec.confidence_score).toBeCloseTo(expected * requirement, 2);
      expect(rec.confidence_score).toBeGreaterThanOrEqual(0);
      expect(rec.confidence_score).toBeLessThanOrEqual(1);
    }
  });

  it('ranks the family dog case sensibly: the beagle fits everything, the labrador needs a yard', () => {
    const recs = weightedModel.recommend(familyDog);
    expect(recs.map((r) => r.pet_id)).toEqual(['beagle-daisy-007', 'labrador-max-006', 'poodle-coco-009']);
    expect(recs[0]?.confidence_score).toBe(1);
    expect(recs[1]?.match_factors.living).toBe(0.4);
    expect(recs[1]?.confidence_score).toBe(0.88);
  });

  it('returns exactly max_recommendations, never an excluded pet, and is deterministic', () => {
    const p = prefs({
      pet_types: ['cat'],
      exclude_pets: ['siamese-luna-010', 'persian-cat-002'],
      max_recommendations: 7,
    });
    const a = weightedModel.recommend(p);
    expect(a).toHaveLength(7);
    const ids = a.flatMap((r) => [r.pet_id, ...r.alternative_suggestions]);
    expect(ids).not.toContain('siamese-luna-010');
    expect(ids).not.toContain('persian-cat-002');
    expect(weightedModel.recommend(p)).toEqual(a);
    expect(JSON.stringify(weightedModel.recommend(structuredClone(p)))).toBe(JSON.stringify(a));
  });

  it('a missing special trait halves the score', () => {
    const withReq = weightedModel.rank(prefs({ special_requirements: ['hypoallergenic'] }));
    const buddy = withReq.find((s) => s.pet.id === 'golden-retriever-001');
    const coco = withReq.find((s) => s.pet.id === 'poodle-coco-009');
    expect(buddy?.confidence).toBeCloseTo(0.5 * (1 - 0.05 * 0), 10); // care .6 <= default tolerance .7
    expect(coco?.confidence).toBe(1);
  });

  it('different weights give a different ranking', () => {
    const careOnly = createWeightedModel({
      category: 0,
      activity: 0,
      living: 0,
      experience: 0,
      price: 0,
      care: 1,
    });
    const p = prefs({ pet_types: ['dog'], experience_with_pets: 'beginner', max_recommendations: 3 });
    expect(careOnly.recommend(p).map((r) => r.pet_id)).not.toEqual(
      weightedModel.recommend(p).map((r) => r.pet_id),
    );
    expect(() => createWeightedModel({ ...SEED_WEIGHTS, care: -1 })).toThrow(/non-negative/);
  });
});

describe('recommendation content', () => {
  const [daisy, max, coco] = weightedModel.recommend(familyDog);

  it('carries the pet fields, six numeric factors and alternatives', () => {
    expect(daisy).toMatchObject({ pet_id: 'beagle-daisy-007', name: 'Daisy', category: 'dog', price: 700 });
    expect(Object.keys(daisy?.match_factors ?? {})).toEqual([...FACTOR_NAMES]);
    expect(daisy?.alternative_suggestions).toHaveLength(2);
    expect(daisy?.alternative_suggestions).not.toContain('beagle-daisy-007');
    // The most similar well-fitting pets for a beagle are other family dogs.
    expect(daisy?.alternative_suggestions).toContain('labrador-max-006');
  });

  it('reasoning names the strongest and the weakest factor in a sentence', () => {
    expect(daisy?.reasoning).toBe(
      'Daisy the Beagle (100% match) is one of the pet types you asked for, matches your high activity level and is good with children.',
    );
    expect(max?.reasoning).toMatch(
      /^Max the Labrador Retriever \(88% match\) .*, but needs more space \(house with yard\) than a house\.$/,
    );
    expect(coco?.reasoning).toContain('but costs $1,400, above your $1,000 maximum');
    const noPrefs = weightedModel.recommend(prefs({ max_recommendations: 1 }))[0];
    expect(noPrefs?.reasoning).toContain('no preferences given');
    const missingTrait = weightedModel
      .recommend(
        prefs({ pet_types: ['dog'], special_requirements: ['hypoallergenic'], max_recommendations: 20 }),
      )
      .find((r) => r.pet_id === 'beagle-daisy-007');
    expect(missingTrait?.reasoning).toContain('is not hypoallergenic');
  });

  it('price optimisation: a cheaper near-equal pet of the same kind when there is one', () => {
    expect(max?.price_optimization).toMatchObject({
      type: 'cheaper_alternative',
      alternative_pet_id: 'beagle-daisy-007',
      savings: 250,
    });
    expect(max?.price_optimization.message).toBe(
      'Daisy the Beagle costs $250 less ($700 vs $950) and matches almost as well (100% vs 88%).',
    );
  });

  it('price optimisation: over budget names the best in-budget pet of the kind', () => {
    // Nova is the only hypoallergenic cat, so no cheaper cat comes close to her score.
    const nova = weightedModel.recommend(
      prefs({
        pet_types: ['cat'],
        activity_level: 'high',
        experience_with_pets: 'intermediate',
        budget_range: { min: 0, max: 1500 },
        special_requirements: ['hypoallergenic'],
        max_recommendations: 1,
      }),
    )[0];
    expect(nova?.pet_id).toBe('sphynx-nova-012');
    expect(nova?.price_optimization).toMatchObject({
      type: 'over_budget',
      alternative_pet_id: 'siamese-luna-010',
      savings: 1300,
    });
    expect(nova?.price_optimization.message).toBe(
      'Nova is $400 over your $1,500 maximum; Luna the Siamese ($600) is the best cat within it.',
    );
  });

  it('price optimisation: a supplies bundle that fits the budget left', () => {
    expect(daisy?.price_optimization).toEqual({
      type: 'supplies_bundle',
      message:
        'Starter bundle: Rubber chew toy, Reflective leash, Premium dog food 12 kg ($90.47); $790.47 with Daisy, $209.53 under your maximum.',
      supply_skus: ['SUP-CHEW-TOY-001', 'SUP-LEASH-005', 'SUP-DOG-FOOD-007'],
      bundle_total: 90.47,
    });
    const buddy = PETS.find((p) => p.id === 'golden-retriever-001');
    if (!buddy) throw new Error('catalog');
    // Only $20 left: just the chew toy fits.
    expect(suppliesBundle(buddy, 1220).supply_skus).toEqual(['SUP-CHEW-TOY-001']);
    expect(suppliesBundle(buddy, 1200)).toMatchObject({ supply_skus: [], bundle_total: 0 });
    const sunny = PETS.find((p) => p.id === 'canary-sunny-005');
    if (!sunny) throw new Error('catalog');
    // Without a budget the premium aviary is still left out of a starter bundle.
    expect(suppliesBundle(sunny, undefined).supply_skus).toEqual(['SUP-BIRD-CAGE-011']);
  });

  it('pet similarity: same kind and lifestyle is closer than a different kind', () => {
    const byId = (id: string) => PETS.find((p) => p.id === id) ?? PETS[0]!;
    const lab = byId('labrador-max-006');
    expect(petSimilarity(lab, byId('golden-retriever-001'))).toBeGreaterThan(
      petSimilarity(lab, byId('goldfish-bubbles-019')),
    );
    expect(petSimilarity(lab, lab)).toBeCloseTo(1, 10);
  });
});

describe('v1 rules model', () => {
  it('confidence is the share of stated rules passed; factors are 0/1', () => {
    const recs = rulesModel.recommend(prefs({ ...familyDog, max_recommendations: 20 }));
    for (const r of recs) for (const f of FACTOR_NAMES) expect([0, 1]).toContain(r.match_factors[f]);
    const max = recs.find((r) => r.pet_id === 'labrador-max-006');
    // 7 checks (category, activity, living, experience, price, care, traits); only living fails.
    expect(max?.confidence_score).toBe(0.857);
    expect(recs[0]?.pet_id).toBe('beagle-daisy-007');
  });

  it('hard filters (kind, budget ceiling, traits) come first, the rest only tops the list up', () => {
    const recs = rulesModel.recommend(prefs({ pet_types: ['fish'], max_recommendations: 5 }));
    expect(recs.slice(0, 2).map((r) => r.category)).toEqual(['fish', 'fish']);
    expect(recs).toHaveLength(5);
    const budget = rulesModel.recommend(
      prefs({ budget_range: { min: 0, max: 100 }, max_recommendations: 20 }),
    );
    const inBudget = budget.filter((r) => r.price <= 100).length;
    expect(budget.slice(0, inBudget).every((r) => r.price <= 100)).toBe(true);
  });

  it('differs from v2 where graded scores matter (near misses)', () => {
    const p = prefs({
      pet_types: ['dog'],
      activity_level: 'medium',
      living_situation: 'apartment',
      budget_range: { min: 500, max: 1000 },
      max_recommendations: 1,
    });
    // Coco is the only flat dog; she is over budget, so the rules filter her out, the weighted model does not.
    expect(weightedModel.recommend(p)[0]?.pet_id).toBe('poodle-coco-009');
    expect(rulesModel.recommend(p)[0]?.pet_id).not.toBe('poodle-coco-009');
  });
});
