import { describe, expect, it } from 'vitest';
import { percentileOf, PerformanceTracker } from './performance-tracker.ts';

describe('percentileOf', () => {
  it('follows the nearest-rank definition', () => {
    const v = [15, 20, 35, 40, 50];
    expect(percentileOf(v, 5)).toBe(15);
    expect(percentileOf(v, 30)).toBe(20);
    expect(percentileOf(v, 40)).toBe(20);
    expect(percentileOf(v, 50)).toBe(35);
    expect(percentileOf(v, 100)).toBe(50);
    expect(percentileOf([3, 1, 2], 50)).toBe(2);
    expect(percentileOf([], 95)).toBeNull();
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // unsorted 1..100
    expect(percentileOf(hundred, 95)).toBe(95);
    expect(percentileOf(hundred, 50)).toBe(50);
  });
});

describe('PerformanceTracker', () => {
  it('starts empty', () => {
    const r = new PerformanceTracker().report();
    expect(r).toMatchObject({
      requests: 0,
      average_confidence: null,
      fallback_rate: 0,
      latency_ms: { p50: null, p95: null },
    });
    expect(r.variants.v1).toEqual({
      requests: 0,
      average_confidence: null,
      latency_p95_ms: null,
      fallbacks: 0,
    });
  });

  it('reports exactly what the recorded requests imply', () => {
    const t = new PerformanceTracker();
    const served = [
      { variant: 'v1', latencyMs: 10, confidences: [1, 0.5], fallbackUsed: false },
      { variant: 'v2', latencyMs: 30, confidences: [0.9, 0.8, 0.7], fallbackUsed: false },
      { variant: 'v2', latencyMs: 300, confidences: [0.6], fallbackUsed: true, fallbackReason: 'timeout' },
      { variant: 'v2', latencyMs: 20, confidences: [], fallbackUsed: true, fallbackReason: 'model_error' },
      { variant: 'v1', latencyMs: 40, confidences: [0.25], fallbackUsed: false },
    ] as const;
    for (const s of served) t.record(s);
    const r = t.report();
    expect(r.requests).toBe(5);
    // latencies 10 20 30 40 300: p50 = 3rd = 30, p95 = ceil(4.75) = 5th = 300
    expect(r.latency_ms).toEqual({ p50: 30, p95: 300, window: 1000 });
    // (1 + .5 + .9 + .8 + .7 + .6 + .25) / 7
    expect(r.average_confidence).toBe(Math.round((4.75 / 7) * 10_000) / 10_000);
    expect(r.fallbacks).toBe(2);
    expect(r.fallback_rate).toBe(0.4);
    expect(r.fallbacks_by_reason).toEqual({ model_error: 1, timeout: 1 });
    expect(r.variants.v1).toEqual({
      requests: 2,
      average_confidence: 0.5833,
      latency_p95_ms: 40,
      fallbacks: 0,
    });
    expect(r.variants.v2).toEqual({
      requests: 3,
      average_confidence: 0.75,
      latency_p95_ms: 300,
      fallbacks: 2,
    });
  });

  it('latency percentiles cover only the most recent window; counts cover everything', () => {
    const t = new PerformanceTracker(4);
    for (const ms of [1000, 1000, 1000, 1, 2, 3, 4])
      t.record({ variant: 'v1', latencyMs: ms, confidences: [1], fallbackUsed: false });
    const r = t.report();
    expect(r.requests).toBe(7);
    expect(r.latency_ms).toEqual({ p50: 2, p95: 4, window: 4 });
    expect(r.variants.v1.latency_p95_ms).toBe(4);
  });

  it('refuses nonsense', () => {
    expect(() => new PerformanceTracker(0)).toThrow(RangeError);
    expect(() =>
      new PerformanceTracker().record({ variant: 'v1', latencyMs: -1, confidences: [], fallbackUsed: false }),
    ).toThrow(/latencyMs/);
  });
});
