// Exact tests on counts, in log space so that hundreds of thousands of requests stay precise.
// - fisherGreater: Fisher's exact test, one-sided: is the first group's share of "bad" requests larger
//   than the second's? Conditional on the totals, the first group's bad count is hypergeometric under
//   H0 (both groups share one rate), so the p-value is exact for any sample size and any rate,
//   including the rare-error regime (0.1 %) where normal approximations are wrong.
// - binomialGreater: exact one-sided binomial test of "the true rate exceeds p0".

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; ~15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let sum = c[0] as number;
  for (let i = 1; i < c.length; i++) sum += (c[i] as number) / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

export function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/** Sums exp(logTerm(x)) for x = from..to, stopping once the terms no longer matter. */
function tailSum(from: number, to: number, mode: number, logTerm: (x: number) => number): number {
  let sum = 0;
  for (let x = from; x <= to; x++) {
    const term = Math.exp(logTerm(x));
    sum += term;
    if (x > mode && term < sum * 1e-17) break;
  }
  return Math.min(1, sum);
}

function assertCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a count, got ${value}`);
}

/**
 * One-sided Fisher exact test: P(X >= badA) where X is the bad count of group A under H0 (A and B
 * share one rate), conditional on the totals. Small p = A is worse than B.
 */
export function fisherGreater(badA: number, totalA: number, badB: number, totalB: number): number {
  for (const [n, v] of Object.entries({ badA, totalA, badB, totalB })) assertCount(n, v);
  if (badA > totalA || badB > totalB) throw new RangeError('bad count exceeds its total');
  const total = totalA + totalB;
  const bad = badA + badB;
  if (badA === 0) return 1;
  const logDenominator = logChoose(total, totalA);
  const upper = Math.min(bad, totalA);
  const mode = Math.floor(((totalA + 1) * (bad + 1)) / (total + 2));
  return tailSum(
    badA,
    upper,
    mode,
    (x) => logChoose(bad, x) + logChoose(total - bad, totalA - x) - logDenominator,
  );
}

/** One-sided exact binomial test: P(X >= bad) for X ~ Binomial(total, p0). Small p = rate > p0. */
export function binomialGreater(bad: number, total: number, p0: number): number {
  assertCount('bad', bad);
  assertCount('total', total);
  if (bad > total) throw new RangeError('bad count exceeds its total');
  if (!(p0 > 0 && p0 < 1)) throw new RangeError(`p0 must be in (0, 1), got ${p0}`);
  if (bad === 0) return 1;
  const lp = Math.log(p0);
  const lq = Math.log1p(-p0);
  const mode = Math.floor((total + 1) * p0);
  return tailSum(bad, total, mode, (x) => logChoose(total, x) + x * lp + (total - x) * lq);
}
