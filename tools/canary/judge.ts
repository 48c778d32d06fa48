// The canary judge: pure, no I/O. Given what stable and canary served during one analysis window
// (request and error counts, a latency histogram each), it decides promote | hold | rollback | halt.
//
// 1. No data, or inconsistent data: halt. Never a silent pass.
// 2. Absolute triggers (catalog): error rate > 5 % or p95 > 1 s. Judged on point estimates once the
//    window has the minimum number of canary requests; before that only when an exact binomial test
//    already shows the limit is exceeded (a canary failing every request is stopped early).
// 3. Too few requests: hold (the window grows by an interval), halt when the window is at its limit.
// 4. Worse than stable on the same window (skipped at 100 %, where stable serves nothing): Fisher's
//    exact test on the error counts, and on the counts in the slow tail (above the bucket bound of
//    the pooled p90). Rollback needs p < alpha (the promotion's false-rollback budget split over all
//    its tests) and a difference that matters. Before the step to 100 % (the last chance to compare),
//    a canary that looks worse by a difference that matters, but not yet significantly (p < the
//    suspect level), gets one more interval.
// 5. Otherwise promote.
import { countAbove, histogramProblem, pooledTailBound, quantile, type Histogram } from './histogram.ts';
import { binomialGreater, fisherGreater } from './stats.ts';

export type Decision = 'promote' | 'hold' | 'rollback' | 'halt';
/** What a rollback or halt is about (undefined for promote and for holds that wait for requests). */
export type Trigger =
  | 'error_rate'
  | 'latency'
  | 'no_data'
  | 'too_few_requests'
  | 'inconsistent_data'
  /** The promoter could not read metrics or write weights. */
  | 'failure';

export interface VersionWindow {
  readonly requests: number;
  /** Server errors (5xx). */
  readonly errors: number;
  readonly latency: Histogram;
}

export interface JudgePolicy {
  readonly maxErrorPercent: number;
  readonly maxP95Ms: number;
  readonly minRequests: number;
  /** Intervals a window may span before too few requests halts and a suspicion is let go. */
  readonly maxIntervals: number;
  /** Significance level of each comparison with stable... */
  readonly alpha: number;
  /** ...and of each early test against an absolute limit (before the window has enough requests). */
  readonly alphaEarly: number;
  readonly suspectP: number;
  readonly minErrorDiffPoints: number;
  readonly minSlowDiffPoints: number;
  readonly tailQuantile: number;
}

export interface JudgeInput {
  /** Canary share of traffic (percent) during the window. */
  readonly weight: number;
  /** Analysis intervals the window spans (1 for a fresh window). */
  readonly intervals: number;
  /** The next step sends everything to the canary: this is the last comparison with stable. */
  readonly lastComparison?: boolean;
  /** undefined: no series at all for that version (not scraped, wrong labels). */
  readonly stable: VersionWindow | undefined;
  readonly canary: VersionWindow | undefined;
}

export interface VersionSummary {
  readonly requests: number;
  readonly errors: number;
  readonly errorRate: number;
  readonly p95Ms: number | undefined;
}

export interface Judgement {
  readonly decision: Decision;
  readonly reason: string;
  readonly trigger?: Trigger;
  readonly stable?: VersionSummary;
  readonly canary?: VersionSummary;
  /** p-values of the comparisons with stable, when they ran. */
  readonly p?: { readonly errors: number; readonly latency: number };
}

const pct = (x: number): string => `${(x * 100).toFixed(x < 0.01 ? 2 : 1)} %`;
const msText = (ms: number | undefined): string => (ms === undefined ? 'n/a' : `${Math.round(ms)} ms`);
const pText = (p: number): string => (p < 1e-4 ? p.toExponential(1) : p.toPrecision(2));

export function summarize(v: VersionWindow): VersionSummary {
  const p95 = quantile(v.latency, 0.95);
  return {
    requests: v.requests,
    errors: v.errors,
    errorRate: v.requests === 0 ? 0 : v.errors / v.requests,
    p95Ms: p95 === undefined ? undefined : p95 * 1000,
  };
}

function windowProblem(v: VersionWindow): string | undefined {
  const counts = Number.isInteger(v.requests) && Number.isInteger(v.errors) && v.errors >= 0;
  if (!counts || v.errors > v.requests) return `counts ${v.errors}/${v.requests} are not errors/requests`;
  return histogramProblem(v.latency);
}

/** Requests slower than the p95 limit, when the limit is a bucket bound (then the count is exact). */
function slowCount(v: VersionWindow, policy: JudgePolicy): number | undefined {
  const bound = policy.maxP95Ms / 1000;
  return v.latency.bounds.includes(bound) ? countAbove(v.latency, bound) : undefined;
}

/** Rollback reason when the canary breaks an absolute trigger, else undefined. */
function absoluteBreach(
  canary: VersionWindow,
  s: VersionSummary,
  policy: JudgePolicy,
): { reason: string; trigger: Trigger } | undefined {
  const maxRate = policy.maxErrorPercent / 100;
  const slow = slowCount(canary, policy);
  const tail = 0.05; // p95 > limit <=> more than 5 % of requests above the limit
  const slowText = `p95 ${msText(s.p95Ms)} > ${policy.maxP95Ms} ms`;
  if (canary.requests >= policy.minRequests) {
    if (s.errorRate > maxRate) {
      const reason = `error rate ${pct(s.errorRate)} (${s.errors} of ${s.requests}) > ${policy.maxErrorPercent} %`;
      return { reason, trigger: 'error_rate' };
    }
    const slowShare = slow === undefined ? undefined : slow / Math.max(1, canary.latency.count);
    const tooSlow = slowShare === undefined ? (s.p95Ms ?? 0) > policy.maxP95Ms : slowShare > tail;
    return tooSlow ? { reason: slowText, trigger: 'latency' } : undefined;
  }
  const pErrors = binomialGreater(canary.errors, canary.requests, maxRate);
  if (pErrors < policy.alphaEarly) {
    const reason = `error rate ${pct(s.errorRate)} (${s.errors} of ${s.requests}) is already significantly above ${policy.maxErrorPercent} % (p=${pText(pErrors)})`;
    return { reason, trigger: 'error_rate' };
  }
  if (slow !== undefined && canary.latency.count > 0) {
    const pSlow = binomialGreater(slow, canary.latency.count, tail);
    if (pSlow < policy.alphaEarly)
      return { reason: `${slowText}, already significant (p=${pText(pSlow)})`, trigger: 'latency' };
  }
  return undefined;
}

interface Comparison {
  readonly pErrors: number;
  readonly errorDiffPoints: number;
  readonly pLatency: number;
  readonly slowDiffPoints: number;
  readonly tailBoundMs: number | undefined;
  readonly slowShare: { readonly stable: number; readonly canary: number };
}

function compare(stable: VersionWindow, canary: VersionWindow, policy: JudgePolicy): Comparison {
  const pErrors = fisherGreater(canary.errors, canary.requests, stable.errors, stable.requests);
  const errorDiffPoints = 100 * (canary.errors / canary.requests - stable.errors / stable.requests);
  const bound = pooledTailBound([stable.latency, canary.latency], policy.tailQuantile);
  if (bound === undefined || stable.latency.count === 0 || canary.latency.count === 0) {
    return {
      pErrors,
      errorDiffPoints,
      pLatency: 1,
      slowDiffPoints: 0,
      tailBoundMs: undefined,
      slowShare: { stable: 0, canary: 0 },
    };
  }
  const slowC = countAbove(canary.latency, bound);
  const slowS = countAbove(stable.latency, bound);
  const share = { stable: slowS / stable.latency.count, canary: slowC / canary.latency.count };
  return {
    pErrors,
    errorDiffPoints,
    pLatency: fisherGreater(slowC, canary.latency.count, slowS, stable.latency.count),
    slowDiffPoints: 100 * (share.canary - share.stable),
    tailBoundMs: bound * 1000,
    slowShare: share,
  };
}

/** Too few requests of one version: wait another interval, or halt when the window is at its limit. */
function waitForRequests(
  version: string,
  n: number,
  input: JudgeInput,
  policy: JudgePolicy,
): Omit<Judgement, 'stable' | 'canary'> {
  const have = `${n} ${version} requests in ${input.intervals} interval${input.intervals === 1 ? '' : 's'}`;
  if (input.intervals < policy.maxIntervals) {
    return { decision: 'hold', reason: `waiting for requests: ${have}, need ${policy.minRequests}` };
  }
  return {
    decision: 'halt',
    trigger: 'too_few_requests',
    reason: `too few ${version} requests to judge: ${have} (the window's limit), need ${policy.minRequests}`,
  };
}

function comparisonVerdict(
  c: Comparison,
  s: { stable: VersionSummary; canary: VersionSummary },
  input: JudgeInput,
  policy: JudgePolicy,
): Omit<Judgement, 'stable' | 'canary'> {
  const p = { errors: c.pErrors, latency: c.pLatency };
  const errorText = `error rate ${pct(s.canary.errorRate)} vs ${pct(s.stable.errorRate)} on stable`;
  const tailText = `${pct(c.slowShare.canary)} of requests above ${msText(c.tailBoundMs)} vs ${pct(c.slowShare.stable)} on stable`;
  if (c.pErrors < policy.alpha && c.errorDiffPoints >= policy.minErrorDiffPoints) {
    return {
      decision: 'rollback',
      trigger: 'error_rate',
      p,
      reason: `${errorText}: significantly worse (p=${pText(c.pErrors)})`,
    };
  }
  if (c.pLatency < policy.alpha && c.slowDiffPoints >= policy.minSlowDiffPoints) {
    return {
      decision: 'rollback',
      trigger: 'latency',
      p,
      reason: `slower than stable: ${tailText} (p=${pText(c.pLatency)})`,
    };
  }
  const suspect =
    (c.pErrors < policy.suspectP && c.errorDiffPoints >= policy.minErrorDiffPoints) ||
    (c.pLatency < policy.suspectP && c.slowDiffPoints >= policy.minSlowDiffPoints);
  if (suspect && input.lastComparison && input.intervals < policy.maxIntervals) {
    const what =
      c.pErrors <= c.pLatency
        ? `${errorText} (p=${pText(c.pErrors)})`
        : `${tailText} (p=${pText(c.pLatency)})`;
    return { decision: 'hold', p, reason: `looks worse, not yet significantly: ${what}; one more interval` };
  }
  return {
    decision: 'promote',
    p,
    reason: `${errorText}, p95 ${msText(s.canary.p95Ms)} vs ${msText(s.stable.p95Ms)}: not significantly worse (p=${pText(c.pErrors)} errors, ${pText(c.pLatency)} latency)`,
  };
}

export function judge(input: JudgeInput, policy: JudgePolicy): Judgement {
  const { canary, stable } = input;
  const comparing = input.weight < 100;
  const noData = (reason: string): Judgement => ({
    decision: 'halt',
    trigger: 'no_data',
    reason: `no data: ${reason}`,
  });
  if (!canary && !stable) return noData('no series for either version (no traffic yet, or not scraped)');
  if (!canary) return noData('no series for the canary version (it served nothing, or is not scraped)');
  if (comparing && !stable)
    return noData('no series for the stable version (it served nothing, or is not scraped)');
  for (const [version, v] of [
    ['canary', canary],
    ['stable', stable],
  ] as const) {
    const problem = v && windowProblem(v);
    if (problem)
      return {
        decision: 'halt',
        trigger: 'inconsistent_data',
        reason: `inconsistent ${version} data: ${problem}`,
      };
  }
  const summaries = { canary: summarize(canary), ...(stable ? { stable: summarize(stable) } : {}) };
  const result = (j: Omit<Judgement, 'stable' | 'canary'>): Judgement => ({ ...j, ...summaries });

  if (canary.requests === 0) {
    const none = comparing && stable?.requests === 0 ? 'no traffic at all' : 'no canary requests';
    return result({
      decision: 'halt',
      trigger: 'no_data',
      reason: `no data: ${none} in ${input.intervals} interval(s) at ${input.weight} %`,
    });
  }
  const breach = absoluteBreach(canary, summaries.canary, policy);
  if (breach) return result({ decision: 'rollback', ...breach });
  if (canary.requests < policy.minRequests)
    return result(waitForRequests('canary', canary.requests, input, policy));
  if (!comparing || !stable || !summaries.stable) {
    return result({
      decision: 'promote',
      reason: `error rate ${pct(summaries.canary.errorRate)}, p95 ${msText(summaries.canary.p95Ms)}: within the limits (no stable traffic to compare at ${input.weight} %)`,
    });
  }
  if (stable.requests < policy.minRequests)
    return result(waitForRequests('stable', stable.requests, input, policy));
  const comparison = compare(stable, canary, policy);
  return result(
    comparisonVerdict(comparison, { stable: summaries.stable, canary: summaries.canary }, input, policy),
  );
}
