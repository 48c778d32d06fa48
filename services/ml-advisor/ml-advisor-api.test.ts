import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../kit/index.ts';
import { badInputCases, ONE_MEGABYTE_JSON } from '../../test/support/bad-input.ts';
import { json, QUIET } from '../../test/support/store-services.ts';
import {
  createWeightedModel,
  evaluate,
  loadShippedEvaluationSet,
  percentileOf,
  rulesModel,
  weightedModel,
} from './model/index.ts';
import type { ModelPerformance } from './model/index.ts';
import advisorDef from './service.ts';

type Report = ModelPerformance & { accuracy: { v1: number; v2: number } };

const start = (env: NodeJS.ProcessEnv = {}): Promise<RunningService> =>
  startService(advisorDef, { ...process.env, ...QUIET, ...env });

interface Rec {
  pet_id: string;
  confidence_score: number;
  reasoning: string;
  match_factors: Record<string, number>;
  price_optimization: { type: string; message: string };
}
interface Answer {
  recommendations: Rec[];
  a_b_test_variant: 'v1' | 'v2';
  model_version: string;
  processing_time_ms: number;
  fallback_used: boolean;
  fallback_reason?: string;
}

const recommend = async (url: string, body: unknown, headers: Record<string, string> = {}) =>
  json(`${url}/recommendations`, { body, headers }) as Promise<{
    status: number;
    body: Answer & Record<string, unknown>;
    headers: Headers;
  }>;

/** Runs tasks with at most `limit` in flight (1,000 requests without 1,000 sockets at once). */
async function pool<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await task(items[next++] as T);
    }),
  );
}

describe('ml-advisor recommendations', () => {
  let s: RunningService;
  beforeAll(async () => {
    s = await start({ AB_V2_SHARE: '0.3' });
  });
  afterAll(() => s.close());

  it('answers with reasoning, match factors and price hints, without the internal error field', async () => {
    const res = await recommend(s.url, {
      user_id: 'family-pet-seeker-7',
      pet_types: ['dog'],
      living_situation: 'house_with_yard',
      budget_range: { min: 500, max: 1000 },
      max_recommendations: 3,
    });
    expect(res.status).toBe(200);
    expect(res.body.recommendations).toHaveLength(3);
    for (const r of res.body.recommendations) {
      expect(r.reasoning.length).toBeGreaterThan(10);
      expect(Object.keys(r.match_factors).sort()).toEqual(
        ['activity', 'care', 'category', 'experience', 'living', 'price'].sort(),
      );
      expect(r.price_optimization.message.length).toBeGreaterThan(5);
    }
    expect(['v1', 'v2']).toContain(res.body.a_b_test_variant);
    expect(res.body.fallback_used).toBe(false);
    expect(res.body).not.toHaveProperty('error');
  });

  it('falls back to rules on a model error and on a blown latency budget, flagged, never leaking the error', async () => {
    const failed = await recommend(s.url, { pet_types: ['cat'] }, { 'x-fault': 'ml-advisor.model_error' });
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({
      fallback_used: true,
      fallback_reason: 'model_error',
      model_version: 'v1-rules',
    });
    expect(failed.body).not.toHaveProperty('error');
    // 40 s of model latency at LATENCY_SCALE 0.01 = 400 ms, past the 250 ms budget.
    const slow = await recommend(
      s.url,
      { pet_types: ['cat'] },
      { 'x-fault': 'ml-advisor.model_latency_ms=40000' },
    );
    expect(slow.body).toMatchObject({ fallback_used: true, fallback_reason: 'timeout' });
    expect(slow.body.processing_time_ms).toBeLessThan(400);
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toMatch(
      /mmf_recommendation_fallbacks_total\{reason="model_error",app="ml-advisor",[^}]*\} 1/,
    );
    expect(metrics).toMatch(
      /mmf_recommendation_fallbacks_total\{reason="timeout",app="ml-advisor",[^}]*\} 1/,
    );
  });

  it('keeps each user on one variant and splits 1,000 users within 3 points of the configured 30 %', async () => {
    const users = Array.from({ length: 1000 }, (_, i) => `split-user-${i}`);
    const seen = new Map<string, string>();
    await pool(users, 20, async (user) => {
      const res = await recommend(s.url, { user_id: user, max_recommendations: 1 });
      expect(res.status).toBe(200);
      seen.set(user, res.body.a_b_test_variant);
    });
    const v2 = [...seen.values()].filter((v) => v === 'v2').length / users.length;
    expect(Math.abs(v2 - 0.3)).toBeLessThanOrEqual(0.03);
    // Sticky: asked again (different preferences, other order), every user gets the same arm.
    for (const user of users.slice(0, 50).reverse()) {
      const again = await recommend(s.url, { user_id: user, pet_types: ['fish'], max_recommendations: 1 });
      expect(again.body.a_b_test_variant).toBe(seen.get(user));
    }
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toMatch(/mmf_recommendations_total\{variant="v2",fallback="false"/);
    expect(metrics).toMatch(
      /mmf_recommendation_confidence_bucket\{le="1",app="ml-advisor",version="[^"]+",variant="v1"\}/,
    );
    expect(metrics).toMatch(
      /mmf_recommendation_duration_seconds_count\{app="ml-advisor",version="[^"]+",variant="v2"\}/,
    );
  });

  it('recommends for a user from the profile and purchases: bought pets excluded, bought kinds added', async () => {
    const res = await json(
      `${s.url}/recommend/user/first-time-owner-3?purchased=ball-python-monty-015,SUP-LEASH-005&max_results=20`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ user_id: 'first-time-owner-3', profile_id: 'first-time-owner' });
    const ids = (res.body.recommendations as Rec[]).map((r) => r.pet_id);
    expect(ids).not.toContain('ball-python-monty-015');
    const basis = res.body.basis as { categories_from_orders: string[]; excluded_pets: string[] };
    expect(basis.categories_from_orders).toEqual(['dog', 'reptile']);
    expect(basis.excluded_pets).toEqual(['ball-python-monty-015']);
    const same = await json(`${s.url}/recommend/user/first-time-owner-3`);
    expect(same.body.a_b_test_variant).toBe(res.body.a_b_test_variant);
  });
});

describe('model performance', () => {
  let s: RunningService;
  beforeAll(async () => {
    // A generous budget: a busy CI machine must not turn a served answer into a timeout fallback here.
    s = await start({ AB_V2_SHARE: '0.5', MODEL_LATENCY_BUDGET_MS: '5000' });
  });
  afterAll(() => s.close());

  it('reports exactly what the requests it served add up to', async () => {
    const answers: Answer[] = [];
    for (let i = 0; i < 40; i++) {
      const fault: Record<string, string> = i % 10 === 3 ? { 'x-fault': 'ml-advisor.model_error' } : {};
      const body = {
        user_id: `perf-${i % 13}`,
        pet_types: [i % 2 ? 'dog' : 'cat'],
        max_recommendations: 1 + (i % 4),
      };
      const res =
        i % 5 === 4
          ? await json(`${s.url}/recommend/user/perf-${i}?max_results=2`, { headers: fault })
          : await recommend(s.url, body, fault);
      expect(res.status).toBe(200);
      answers.push(res.body as unknown as Answer);
    }
    const report = (await json(`${s.url}/analytics/model-performance`)).body as unknown as Report;
    const latencies = answers.map((a) => a.processing_time_ms);
    const confidences = answers.flatMap((a) => a.recommendations.map((r) => r.confidence_score));
    const round4 = (n: number) => Math.round(n * 10_000) / 10_000;
    expect(report.requests).toBe(40);
    expect(report.latency_ms.p50).toBe(percentileOf(latencies, 50));
    expect(report.latency_ms.p95).toBe(percentileOf(latencies, 95));
    expect(report.average_confidence).toBe(
      round4(confidences.reduce((a, b) => a + b, 0) / confidences.length),
    );
    expect(report.fallbacks).toBe(4);
    expect(report.fallback_rate).toBe(0.1);
    expect(report.fallbacks_by_reason).toEqual({ model_error: 4, timeout: 0 });
    for (const v of ['v1', 'v2'] as const) {
      const mine = answers.filter((a) => a.a_b_test_variant === v);
      const conf = mine.flatMap((a) => a.recommendations.map((r) => r.confidence_score));
      expect(report.variants[v]).toEqual({
        requests: mine.length,
        average_confidence: conf.length ? round4(conf.reduce((a, b) => a + b, 0) / conf.length) : null,
        latency_p95_ms: percentileOf(
          mine.map((a) => a.processing_time_ms),
          95,
        ),
        fallbacks: mine.filter((a) => a.fallback_used).length,
      });
    }
    expect(report.ab_split).toEqual({ v2_share: 0.5 });
  });

  it('measures accuracy on the shipped evaluation set, and a different model changes it', async () => {
    const set = loadShippedEvaluationSet();
    const report = (await json(`${s.url}/analytics/model-performance`)).body as unknown as Report;
    expect(report.offline_evaluation.v1).toEqual(evaluate(rulesModel, set));
    expect(report.offline_evaluation.v2).toEqual(evaluate(weightedModel, set));
    expect(report.accuracy.v2).toBe(evaluate(weightedModel, set).accuracy);
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toContain(
      `mmf_model_offline_accuracy_ratio{variant="v2",app="ml-advisor",version="0.1.0"} ${report.accuracy.v2}`,
    );

    const careOnly = 'category=0,activity=0,living=0,experience=0,price=0,care=1';
    const changed = await start({ MODEL_V2_WEIGHTS: careOnly });
    try {
      const other = (await json(`${changed.url}/analytics/model-performance`)).body as unknown as Report;
      const expected = evaluate(
        createWeightedModel({ category: 0, activity: 0, living: 0, experience: 0, price: 0, care: 1 }),
        set,
      );
      expect(other.offline_evaluation.v2).toEqual(expected);
      expect(other.accuracy.v2).toBeLessThan(report.accuracy.v2);
      expect(other.accuracy.v1).toBe(report.accuracy.v1);
    } finally {
      await changed.close();
    }
  });

  it('refuses to start with invalid model settings, naming the variable', async () => {
    await expect(start({ MODEL_V2_WEIGHTS: 'category=lots' })).rejects.toThrow(/MODEL_V2_WEIGHTS/);
    await expect(start({ AB_V2_SHARE: '1.5' })).rejects.toThrow(/AB_V2_SHARE: must be between 0 and 1/);
  });
});

describe('ml-advisor bad input', () => {
  let s: RunningService;
  beforeAll(async () => {
    s = await start();
  });
  afterAll(() => s.close());
  const post = (name: string, body: unknown, message: RegExp, status = 400) => ({
    name,
    path: '/recommendations',
    body,
    status,
    message,
  });
  badInputCases(
    () => s.url,
    [
      post('malformed JSON', '{"pet_types":', /not valid JSON/),
      {
        name: 'text/plain body',
        path: '/recommendations',
        headers: { 'content-type': 'text/plain' },
        body: 'dogs please',
        status: 415,
        message: /application\/json/,
      },
      post('body is an array', [], /preferences must be an object/),
      post('body is a number', 42, /preferences must be an object|not valid JSON/),
      post('unknown field', { budget: 500 }, /unknown field\(s\): budget/),
      post('pet_types not an array', { pet_types: 'dog' }, /pet_types must be an array/),
      post(
        'unknown pet type',
        { pet_types: ['dog', 'dragon'] },
        /pet_types\[1\] must be one of|must be one of dog/,
      ),
      post(
        'bad activity level',
        { activity_level: 'extreme' },
        /activity_level must be one of low, medium, high/,
      ),
      post('bad living situation', { living_situation: 'castle' }, /living_situation must be one of/),
      post('bad experience', { experience_with_pets: 'guru' }, /experience_with_pets must be one of/),
      post(
        'budget min above max',
        { budget_range: { min: 900, max: 100 } },
        /min must not exceed budget_range.max/,
        422,
      ),
      post('negative budget', { budget_range: { min: -5, max: 100 } }, /budget_range.min must be >= 0/),
      post('budget as string', { budget_range: { min: '1', max: 100 } }, /budget_range.min must be a number/),
      post(
        'budget unknown key',
        { budget_range: { min: 1, max: 2, currency: 'EUR' } },
        /budget_range has unknown field/,
      ),
      post(
        'unknown trait',
        { special_requirements: ['fluffy'] },
        /special_requirements.*must be one of hypoallergenic/,
      ),
      post('unknown excluded pet', { exclude_pets: ['unicorn-999'] }, /not a known pet id: 'unicorn-999'/),
      post(
        'max_recommendations zero',
        { max_recommendations: 0 },
        /max_recommendations must be between 1 and 20/,
      ),
      post(
        'max_recommendations fraction',
        { max_recommendations: 2.5 },
        /max_recommendations must be an integer/,
      ),
      post('max_recommendations too many', { max_recommendations: 21 }, /between 1 and 20/),
      post('empty user_id', { user_id: '' }, /user_id must not be empty/),
      post('oversized body', ONE_MEGABYTE_JSON, /exceeds the limit/, 413),
      {
        name: 'user id with spaces',
        path: '/recommend/user/bad%20user',
        status: 400,
        message: /user id must be 1-128 characters/,
      },
      {
        name: 'purchased unknown product',
        path: '/recommend/user/u1?purchased=golden-retriever-001,NOPE-1',
        status: 400,
        message: /purchased must be a comma-separated list of catalog product ids/,
      },
      {
        name: 'max_results not a number',
        path: '/recommend/user/u1?max_results=lots',
        status: 400,
        message: /max_results must be a number/,
      },
      {
        name: 'max_results too large',
        path: '/recommend/user/u1?max_results=99',
        status: 400,
        message: /max_results must be between 1 and 20/,
      },
      {
        name: 'unknown query parameter',
        path: '/recommend/user/u1?variant=v2',
        status: 400,
        message: /variant/,
      },
      {
        name: 'unknown route',
        path: '/recommend/everyone',
        status: 404,
        message: /no route for GET \/recommend\/everyone/,
      },
      {
        name: 'bad correlation id',
        path: '/analytics/model-performance',
        headers: { 'x-correlation-id': 'has spaces in it' },
        status: 400,
        message: /X-Correlation-ID must be/,
      },
      {
        name: 'malformed fault header',
        path: '/recommendations',
        headers: { 'x-fault': 'ml-advisor.model_error=lots' },
        body: { pet_types: ['dog'] },
        status: 400,
        message: /X-Fault entry/,
      },
    ],
  );
});
