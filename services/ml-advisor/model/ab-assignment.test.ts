import { describe, expect, it } from 'vitest';
import { bucketOf, createAbAssigner } from './ab-assignment.ts';

const users = (n: number, make: (i: number) => string) => Array.from({ length: n }, (_, i) => make(i));
const v2Share = (ids: readonly string[], share: number) => {
  const ab = createAbAssigner(share);
  return ids.filter((id) => ab.assign(id) === 'v2').length / ids.length;
};

describe('A/B assignment', () => {
  it.each([0.5, 0.2, 0.8])('over 1,000 distinct users the v2 share is within 3 points of %s', (share) => {
    for (const ids of [
      users(1000, (i) => `user-${i}`),
      users(1000, (i) => String(100000 + i)),
      users(1000, (i) => `customer${i}@example.com`),
    ]) {
      expect(new Set(ids).size).toBe(1000);
      expect(Math.abs(v2Share(ids, share) - share)).toBeLessThanOrEqual(0.03);
    }
  });

  it('a user always gets the same variant, across assigner instances', () => {
    const ids = users(200, (i) => `customer-${i}`);
    const first = ids.map((id) => createAbAssigner(0.5).assign(id));
    for (let round = 0; round < 3; round++)
      expect(ids.map((id) => createAbAssigner(0.5).assign(id))).toEqual(first);
    expect(new Set(first)).toEqual(new Set(['v1', 'v2']));
  });

  it('raising the share only moves users from v1 to v2 (monotone, no reshuffle)', () => {
    const ids = users(500, (i) => `u${i}`);
    const low = createAbAssigner(0.2);
    const high = createAbAssigner(0.8);
    for (const id of ids) if (low.assign(id) === 'v2') expect(high.assign(id)).toBe('v2');
  });

  it('0 and 1 put everyone in one arm; out-of-range shares are refused', () => {
    const ids = users(100, (i) => `x${i}`);
    expect(v2Share(ids, 0)).toBe(0);
    expect(v2Share(ids, 1)).toBe(1);
    expect(() => createAbAssigner(1.5)).toThrow(/between 0 and 1/);
    expect(() => createAbAssigner(Number.NaN)).toThrow(RangeError);
  });

  it('buckets are in [0, 1) and depend on the experiment name', () => {
    const b = bucketOf('user-1');
    expect(b).toBeGreaterThanOrEqual(0);
    expect(b).toBeLessThan(1);
    expect(bucketOf('user-1')).toBe(b);
    expect(bucketOf('user-1', 'another-experiment')).not.toBe(b);
  });
});
