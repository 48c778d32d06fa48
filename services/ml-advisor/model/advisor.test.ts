import { describe, expect, it } from 'vitest';
import { createAdvisor } from './advisor.ts';
import { evaluate, loadShippedEvaluationSet } from './evaluation.ts';
import { percentileOf } from './performance-tracker.ts';
import { preferencesSchema } from './preferences.ts';
import { rulesModel } from './rules-model.ts';
import { createWeightedModel, SEED_WEIGHTS, weightedModel } from './weighted-model.ts';

const prefs = preferencesSchema.parse({
  pet_types: ['dog'],
  living_situation: 'house',
  max_recommendations: 4,
});

describe('advisor', () => {
  it('serves the sticky A/B arm and tracks exactly what it served', async () => {
    const advisor = createAdvisor({ v2Share: 0.5 });
    const responses = [];
    for (let i = 0; i < 40; i++) {
      const user = `user-${i % 20}`;
      const r = await advisor.recommend(prefs, user, i % 10 === 9 ? { fail: true } : undefined);
      expect(r.a_b_test_variant).toBe(advisor.assigner.assign(user));
      responses.push(r);
    }
    const served = responses.filter((r) => !r.fallback_used);
    for (const r of served)
      expect(r.model_version).toBe(r.a_b_test_variant === 'v2' ? 'v2-weighted' : 'v1-rules');

    // Recompute the report from the responses alone, as an HTTP client would.
    const report = advisor.performance();
    const latencies = responses.map((r) => r.processing_time_ms);
    const confidences = responses.flatMap((r) => r.recommendations.map((x) => x.confidence_score));
    expect(report.requests).toBe(40);
    expect(report.latency_ms.p50).toBe(percentileOf(latencies, 50));
    expect(report.latency_ms.p95).toBe(percentileOf(latencies, 95));
    expect(report.average_confidence).toBe(
      Math.round((confidences.reduce((a, b) => a + b, 0) / confidences.length) * 10_000) / 10_000,
    );
    expect(report.fallbacks).toBe(4);
    expect(report.fallback_rate).toBe(0.1);
    expect(report.fallbacks_by_reason).toEqual({ model_error: 4, timeout: 0 });
    for (const v of ['v1', 'v2'] as const) {
      const mine = responses.filter((r) => r.a_b_test_variant === v);
      expect(report.variants[v].requests).toBe(mine.length);
      expect(report.variants[v].latency_p95_ms).toBe(
        percentileOf(
          mine.map((r) => r.processing_time_ms),
          95,
        ),
      );
    }
    expect(report.ab_split).toEqual({ v2_share: 0.5 });
  });

  it('flags a timeout when the injected delay exceeds the budget', async () => {
    const advisor = createAdvisor({ v2Share: 1, latencyBudgetMs: 30 });
    const r = await advisor.recommend(prefs, 'anyone', { delayMs: 2_000 });
    expect(r).toMatchObject({
      fallback_used: true,
      fallback_reason: 'timeout',
      model_version: 'v1-rules',
      a_b_test_variant: 'v2',
    });
    expect(r.processing_time_ms).toBeLessThan(1_000);
    expect(advisor.performance().fallbacks_by_reason.timeout).toBe(1);
  });

  it('measures offline accuracy at creation from the evaluation set, per variant', () => {
    const set = loadShippedEvaluationSet();
    const seed = createAdvisor().performance().offline_evaluation;
    expect(seed.v1).toEqual(evaluate(rulesModel, set));
    expect(seed.v2).toEqual(evaluate(weightedModel, set));
    const other = createAdvisor({
      models: { v1: rulesModel, v2: createWeightedModel({ ...SEED_WEIGHTS, category: 0, living: 0 }) },
    }).performance().offline_evaluation;
    expect(other.v2.mrr).not.toBe(seed.v2.mrr);
    expect(other.v1).toEqual(seed.v1);
  });

  it('recommends for a user from profile and orders', async () => {
    const advisor = createAdvisor({ v2Share: 1 });
    const r = await advisor.recommendForUser('family-pet-seeker-9', [
      { items: [{ product_id: 'labrador-max-006', quantity: 1 }] },
    ]);
    expect(r).toMatchObject({
      user_id: 'family-pet-seeker-9',
      profile_id: 'family-pet-seeker',
      a_b_test_variant: 'v2',
    });
    expect(r.basis.excluded_pets).toEqual(['labrador-max-006']);
    expect(r.recommendations.map((x) => x.pet_id)).not.toContain('labrador-max-006');
    expect(r.recommendations[0]?.category).toBe('dog');
  });
});
