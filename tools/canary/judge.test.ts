import { describe, expect, it } from 'vitest';
import { METRICS } from '../../catalog/metrics.ts';
import { CANARY_MAX_P95_MS } from '../../catalog/thresholds.ts';
import { PROFILES } from '../../charts-src/config/profiles.ts';
import { judge, type JudgeInput, type VersionWindow } from './judge.ts';
import { planFor } from './plan.ts';

const BOUNDS = METRICS.httpServerDuration.buckets ?? [];
const policy = planFor(PROFILES.production.canaryAnalysis, { fromWeight: 10 }).policy;

/** `requests` requests, `errors` of them 5xx; `latencies` maps seconds to how many took that long
 * (the rest take 40 ms). */
function win(requests: number, errors: number, latencies: Record<number, number> = {}): VersionWindow {
  const durations: number[] = [];
  for (const [seconds, n] of Object.entries(latencies))
    for (let i = 0; i < n; i++) durations.push(Number(seconds));
  while (durations.length < requests) durations.push(0.04);
  return {
    requests,
    errors,
    latency: {
      bounds: BOUNDS,
      cumulative: BOUNDS.map((b) => durations.filter((d) => d <= b).length),
      count: durations.length,
    },
  };
}

const input = (over: Partial<JudgeInput>): JudgeInput => ({
  weight: 10,
  intervals: 1,
  stable: win(1000, 1),
  canary: win(120, 0),
  ...over,
});

describe('judge: never a silent pass', () => {
  it('halts when a version has no series', () => {
    expect(judge(input({ canary: undefined }), policy)).toMatchObject({
      decision: 'halt',
      trigger: 'no_data',
    });
    expect(judge(input({ stable: undefined }), policy)).toMatchObject({
      decision: 'halt',
      trigger: 'no_data',
    });
  });

  it('halts on no traffic at all, and on a canary that gets none', () => {
    const idle = judge(input({ stable: win(0, 0), canary: win(0, 0) }), policy);
    expect(idle).toMatchObject({ decision: 'halt', trigger: 'no_data' });
    expect(idle.reason).toMatch(/no traffic at all/);
    expect(judge(input({ canary: win(0, 0) }), policy).reason).toMatch(/no canary requests/);
  });

  it('halts on inconsistent counts instead of judging them', () => {
    const broken = { ...win(100, 0), errors: 101 };
    expect(judge(input({ canary: broken }), policy)).toMatchObject({
      decision: 'halt',
      trigger: 'inconsistent_data',
    });
    const decreasing = { ...win(100, 0), latency: { bounds: [0.1, 1], cumulative: [50, 40], count: 100 } };
    expect(judge(input({ stable: decreasing }), policy).reason).toMatch(/inconsistent stable data/);
  });

  it('waits for requests, then halts at the window limit', () => {
    const few = input({ canary: win(policy.minRequests - 1, 0) });
    expect(judge(few, policy)).toMatchObject({ decision: 'hold' });
    expect(judge({ ...few, intervals: policy.maxIntervals }, policy)).toMatchObject({
      decision: 'halt',
      trigger: 'too_few_requests',
    });
    const fewStable = input({ weight: 50, stable: win(60, 0), canary: win(140, 0) });
    expect(judge(fewStable, policy).reason).toMatch(/stable requests/);
  });
});

describe('judge: absolute triggers from the catalog', () => {
  it('rolls back above 5 % errors on a full window, not at 5 %', () => {
    const over = judge(input({ canary: win(200, 11) }), policy);
    expect(over).toMatchObject({ decision: 'rollback', trigger: 'error_rate' });
    expect(over.reason).toMatch(/error rate 5\.5 % \(11 of 200\) > 5 %/);
    // Exactly 5 %: not above the trigger (and 10 of 200 vs 5 of 1000 is the comparison's business).
    expect(judge(input({ stable: win(1000, 40), canary: win(200, 10) }), policy).decision).toBe('promote');
  });

  it('rolls back when p95 is above 1 s (more than 5 % of requests slower than the bucket at 1 s)', () => {
    expect(BOUNDS).toContain(CANARY_MAX_P95_MS / 1000);
    const slow = judge(input({ weight: 100, stable: undefined, canary: win(200, 0, { 1.5: 11 }) }), policy);
    expect(slow).toMatchObject({ decision: 'rollback', trigger: 'latency' });
    expect(slow.reason).toMatch(/p95 \d+ ms > 1000 ms/);
    expect(
      judge(input({ weight: 100, stable: undefined, canary: win(200, 0, { 1.5: 10 }) }), policy).decision,
    ).toBe('promote');
  });

  it('stops a disaster before the window is full, but not a few unlucky errors', () => {
    const disaster = judge(input({ canary: win(20, 12) }), policy);
    expect(disaster).toMatchObject({ decision: 'rollback', trigger: 'error_rate' });
    expect(disaster.reason).toMatch(/already significantly above 5 %/);
    expect(judge(input({ canary: win(20, 2) }), policy).decision).toBe('hold');
    expect(judge(input({ canary: win(20, 0, { 2: 15 }) }), policy)).toMatchObject({ trigger: 'latency' });
  });
});

describe('judge: compared with stable on the same window', () => {
  it('rolls back an error rate significantly worse than stable, below the absolute trigger', () => {
    const j = judge(input({ stable: win(1080, 1), canary: win(120, 5) }), policy);
    expect(j).toMatchObject({ decision: 'rollback', trigger: 'error_rate' });
    expect(j.reason).toMatch(/error rate 4\.2 % vs 0\.09 % on stable: significantly worse/);
    expect(j.p?.errors).toBeLessThan(policy.alpha);
  });

  it('promotes a difference that is significant but too small to matter', () => {
    // 0.6 % vs 0.1 % over many requests: p is tiny, but the difference is under one point.
    const j = judge(input({ weight: 50, stable: win(100_000, 100), canary: win(100_000, 600) }), policy);
    expect(j.p?.errors).toBeLessThan(1e-20);
    expect(j.decision).toBe('promote');
  });

  it('rolls back a canary whose slow tail is significantly larger', () => {
    const j = judge(input({ stable: win(1000, 0, { 0.2: 50 }), canary: win(150, 0, { 0.2: 45 }) }), policy);
    expect(j).toMatchObject({ decision: 'rollback', trigger: 'latency' });
    expect(j.reason).toMatch(/slower than stable: 30\.0 % of requests above 50 ms vs 5\.0 % on stable/);
  });

  it('promotes a canary like stable, with the numbers in the reason', () => {
    const j = judge(input({ stable: win(1000, 1, { 0.2: 50 }), canary: win(120, 0, { 0.2: 6 }) }), policy);
    expect(j.decision).toBe('promote');
    expect(j.reason).toMatch(/not significantly worse/);
    expect(j.canary).toMatchObject({ requests: 120, errors: 0 });
    expect(j.stable?.p95Ms).toBeGreaterThan(0);
  });

  it('gives a canary that looks worse by a difference that matters one more interval before 100 %', () => {
    const suspicious = input({ weight: 50, stable: win(500, 1), canary: win(500, 8) });
    expect(judge(suspicious, policy).decision).toBe('promote');
    expect(judge({ ...suspicious, lastComparison: true }, policy).decision).toBe('hold');
    const atLimit = { ...suspicious, lastComparison: true, intervals: policy.maxIntervals };
    expect(judge(atLimit, policy).decision).toBe('promote');
    // p < 0.05 over many requests, but half a point: not worth holding for.
    const slight = input({ weight: 50, stable: win(5000, 10), canary: win(5000, 35), lastComparison: true });
    expect(judge(slight, policy).p?.errors).toBeLessThan(0.05);
    expect(judge(slight, policy).decision).toBe('promote');
  });

  it('needs no stable traffic at 100 %', () => {
    expect(judge(input({ weight: 100, stable: undefined, canary: win(500, 2) }), policy)).toMatchObject({
      decision: 'promote',
    });
  });
});
