// Small statistics shared by the analytics plugin and the ML performance tracker.

/** Nearest-rank percentile of an ascending array: the value at rank ceil(p/100 * n); 0 if empty. */
export function nearestRank(sortedAscending: ArrayLike<number>, p: number): number {
  const n = sortedAscending.length;
  if (n === 0) return 0;
  const rank = Math.min(n, Math.max(1, Math.ceil((p / 100) * n)));
  return sortedAscending[rank - 1] as number;
}
