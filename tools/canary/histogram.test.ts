import { describe, expect, it } from 'vitest';
import {
  addHistograms,
  commonBounds,
  countAbove,
  histogramProblem,
  pooledTailBound,
  quantile,
  type Histogram,
} from './histogram.ts';

const h = (bounds: number[], cumulative: number[], count: number): Histogram => ({
  bounds,
  cumulative,
  count,
});

describe('quantile (histogram_quantile semantics)', () => {
  it('interpolates linearly inside the bucket holding the rank', () => {
    // 100 requests: 50 <= 0.1 s, 90 <= 0.5 s, 100 <= 1 s. p95 = 0.5 + 0.5 * (95 - 90) / 10 = 0.75 s
    const x = h([0.1, 0.5, 1], [50, 90, 100], 100);
    expect(quantile(x, 0.95)).toBeCloseTo(0.75, 12);
    expect(quantile(x, 0.5)).toBeCloseTo(0.1, 12);
    expect(quantile(x, 0.25)).toBeCloseTo(0.05, 12);
  });

  it('returns the highest finite bound when the rank is in +Inf, nothing without data', () => {
    expect(quantile(h([0.1, 1], [10, 20], 100), 0.95)).toBe(1);
    expect(quantile(h([0.1, 1], [0, 0], 0), 0.95)).toBeUndefined();
  });

  it('skips empty buckets below the rank', () => {
    expect(quantile(h([0.1, 0.5, 1], [0, 0, 10], 10), 0.5)).toBeCloseTo(0.75, 12);
  });
});

describe('counts above a bound and the pooled tail bound', () => {
  it('counts exactly above a bucket bound, and refuses other values', () => {
    const x = h([0.1, 0.5, 1], [50, 90, 97], 100);
    expect(countAbove(x, 1)).toBe(3);
    expect(countAbove(x, 0.1)).toBe(50);
    expect(() => countAbove(x, 0.3)).toThrow(/not a bucket bound/);
  });

  it('finds the bound at or above the pooled quantile over the shared bounds', () => {
    const stable = h([0.1, 0.25, 0.5, 1], [80, 95, 100, 100], 100);
    const canary = h([0.1, 0.5, 1], [0, 50, 100], 100);
    expect(commonBounds([stable, canary])).toEqual([0.1, 0.5, 1]);
    // pooled at 0.1: 80/200, at 0.5: 150/200 = 75 %, at 1: 100 % -> p90 lies at or below 1
    expect(pooledTailBound([stable, canary], 0.9)).toBe(1);
    expect(pooledTailBound([stable, canary], 0.7)).toBe(0.5);
    expect(pooledTailBound([h([0.1], [0], 5), h([0.1], [1], 5)], 0.9)).toBe(0.1);
  });

  it('adds windows of one layout and refuses mixed layouts', () => {
    const a = h([0.1, 1], [1, 2], 3);
    expect(addHistograms(a, a)).toEqual(h([0.1, 1], [2, 4], 6));
    expect(() => addHistograms(a, h([0.2, 1], [1, 2], 3))).toThrow(/different buckets/);
  });
});

describe('histogramProblem', () => {
  it('accepts a well-formed histogram and names what is wrong with others', () => {
    expect(histogramProblem(h([0.1, 1], [1, 2], 3))).toBeUndefined();
    expect(histogramProblem(h([0.1, 1], [3, 2], 3))).toMatch(/decrease/);
    expect(histogramProblem(h([1, 0.1], [1, 2], 3))).toMatch(/ascending/);
    expect(histogramProblem(h([0.1, 1], [1, 4], 3))).toMatch(/more than the total/);
    expect(histogramProblem(h([0.1], [1, 2], 3))).toMatch(/length/);
    expect(histogramProblem(h([0.1], [Number.NaN], 3))).toMatch(/decrease/);
  });
});
