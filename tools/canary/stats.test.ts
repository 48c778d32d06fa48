import { describe, expect, it } from 'vitest';
import { binomialGreater, fisherGreater, logGamma } from './stats.ts';

// Exact references with BigInt arithmetic, for tables small enough to enumerate.
function choose(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  let r = 1n;
  for (let i = 1; i <= k; i++) r = (r * BigInt(n - k + i)) / BigInt(i);
  return r;
}
const ratio = (num: bigint, den: bigint): number => Number((num * 10n ** 18n) / den) / 1e18;

function fisherReference(badA: number, totalA: number, badB: number, totalB: number): number {
  const bad = badA + badB;
  const total = totalA + totalB;
  let num = 0n;
  for (let x = badA; x <= Math.min(bad, totalA); x++) num += choose(bad, x) * choose(total - bad, totalA - x);
  return ratio(num, choose(total, totalA));
}

describe('logGamma', () => {
  it('matches factorials and Γ(1/2) = √π', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 10);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(logGamma(171)).toBeCloseTo(706.5730622457874, 8);
  });
});

describe('fisherGreater', () => {
  it('equals the exact hypergeometric tail on small tables', () => {
    for (const [a, na, b, nb] of [
      [3, 4, 1, 4],
      [6, 120, 1, 1080],
      [0, 50, 5, 50],
      [10, 10, 0, 10],
      [2, 30, 2, 30],
      [4, 121, 2, 1074],
    ] as const) {
      expect(fisherGreater(a, na, b, nb)).toBeCloseTo(fisherReference(a, na, b, nb), 10);
    }
  });

  it('is the textbook value for the tea-tasting table (p = 17/70)', () => {
    expect(fisherGreater(3, 4, 1, 4)).toBeCloseTo(17 / 70, 12);
  });

  it('stays precise with hundreds of thousands of requests', () => {
    const p = fisherGreater(60, 100_000, 50, 900_000);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1e-20);
    expect(fisherGreater(100, 100_000, 900, 900_000)).toBeGreaterThan(0.4);
  });

  it('rejects counts that are not counts', () => {
    expect(() => fisherGreater(5, 4, 0, 10)).toThrow(/exceeds/);
    expect(() => fisherGreater(-1, 4, 0, 10)).toThrow(/count/);
    expect(() => fisherGreater(1.5, 4, 0, 10)).toThrow(/count/);
  });
});

describe('binomialGreater', () => {
  it('equals the exact binomial tail', () => {
    // P(X >= 3 | n = 10, p = 0.05) = 1 - P(0) - P(1) - P(2)
    const q = 0.95;
    const below = q ** 10 + 10 * 0.05 * q ** 9 + 45 * 0.05 ** 2 * q ** 8;
    expect(binomialGreater(3, 10, 0.05)).toBeCloseTo(1 - below, 12);
    expect(binomialGreater(0, 10, 0.05)).toBe(1);
    expect(binomialGreater(20, 20, 0.05)).toBeCloseTo(0.05 ** 20, 30);
  });

  it('rejects a rate outside (0, 1)', () => {
    expect(() => binomialGreater(1, 10, 0)).toThrow(/p0/);
  });
});
