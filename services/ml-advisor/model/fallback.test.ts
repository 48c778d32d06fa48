import { describe, expect, it } from 'vitest';
import { recommendWithFallback } from './fallback.ts';
import { preferencesSchema } from './preferences.ts';
import type { RecommendationModel } from './recommendation.ts';
import { rulesModel } from './rules-model.ts';
import { weightedModel } from './weighted-model.ts';

const preferences = preferencesSchema.parse({
  pet_types: ['cat'],
  budget_range: { min: 0, max: 900 },
  max_recommendations: 3,
});

describe('recommendWithFallback', () => {
  it('serves the chosen model when it answers in time', async () => {
    const r = await recommendWithFallback({ model: weightedModel, preferences });
    expect(r).toEqual({
      recommendations: weightedModel.recommend(preferences),
      model_version: 'v2-weighted',
      fallback_used: false,
    });
  });

  it('an injected failure falls back to the rules result, flagged model_error', async () => {
    const r = await recommendWithFallback({ model: weightedModel, preferences, faults: { fail: true } });
    expect(r.fallback_used).toBe(true);
    expect(r.fallback_reason).toBe('model_error');
    expect(r.model_version).toBe('v1-rules');
    expect(r.recommendations).toEqual(rulesModel.recommend(preferences));
    expect(r.error).toContain('injected failure');
  });

  it('a model that throws falls back, flagged model_error', async () => {
    const broken: RecommendationModel = {
      ...weightedModel,
      recommend: () => {
        throw new TypeError('weights file corrupt');
      },
    };
    const r = await recommendWithFallback({ model: broken, preferences });
    expect(r).toMatchObject({
      fallback_used: true,
      fallback_reason: 'model_error',
      error: 'weights file corrupt',
    });
    expect(r.recommendations).toHaveLength(3);
  });

  it('a delay beyond the budget falls back at the budget, flagged timeout', async () => {
    const started = performance.now();
    const r = await recommendWithFallback({
      model: weightedModel,
      preferences,
      budgetMs: 50,
      faults: { delayMs: 5_000 },
    });
    const elapsed = performance.now() - started;
    expect(r).toMatchObject({ fallback_used: true, fallback_reason: 'timeout', model_version: 'v1-rules' });
    expect(elapsed).toBeGreaterThanOrEqual(45);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('a delay within the budget is served by the model', async () => {
    const r = await recommendWithFallback({
      model: weightedModel,
      preferences,
      budgetMs: 500,
      faults: { delayMs: 20 },
    });
    expect(r.fallback_used).toBe(false);
    expect(r.model_version).toBe('v2-weighted');
  });

  it('a synchronous overrun still counts as a timeout', async () => {
    const slow: RecommendationModel = {
      ...weightedModel,
      recommend: (p) => {
        const until = performance.now() + 30;
        while (performance.now() < until); // busy: cannot be interrupted by a timer
        return weightedModel.recommend(p);
      },
    };
    const r = await recommendWithFallback({ model: slow, preferences, budgetMs: 10 });
    expect(r).toMatchObject({ fallback_used: true, fallback_reason: 'timeout' });
  });

  it('refuses a non-positive budget', async () => {
    await expect(recommendWithFallback({ model: weightedModel, preferences, budgetMs: 0 })).rejects.toThrow(
      /budgetMs/,
    );
  });
});
