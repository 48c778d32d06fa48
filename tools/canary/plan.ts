// A promotion plan: the steps from the catalog, the timing from a profile, and the judge's policy with
// its per-test significance level derived from the promotion-wide false-rollback budget.
import {
  CANARY_EARLY_TEST_SHARE,
  CANARY_FALSE_ROLLBACK_RATE,
  CANARY_MAX_ERROR_PERCENT,
  CANARY_MAX_INTERVALS_PER_STEP,
  CANARY_MAX_P95_MS,
  CANARY_MIN_ERROR_DIFF_POINTS,
  CANARY_MIN_REQUESTS,
  CANARY_MIN_SLOW_DIFF_POINTS,
  CANARY_STEPS,
  CANARY_SUSPECT_P,
  CANARY_TAIL_QUANTILE,
} from '../../catalog/thresholds.ts';
import type { CanaryAnalysis } from '../../charts-src/config/profiles.ts';
import type { JudgePolicy } from './judge.ts';

export interface Plan {
  /** Canary weights in percent, ascending, ending at 100. */
  readonly steps: readonly number[];
  readonly intervalMs: number;
  readonly soakMs: number;
  /** Upper bounds on the judge calls of the whole promotion that compare with stable (steps below
   * 100 %), and on all judge calls (each runs at most two tests of either kind). */
  readonly maxLooks: { readonly comparing: number; readonly all: number };
  readonly policy: JudgePolicy;
}

export interface PlanOptions {
  /** The live canary weight: steps below it are skipped (a promotion resumes where traffic is). */
  readonly fromWeight?: number;
  /** Overrides for scaled-down runs (tests, the local demo); the statistics stay the same. */
  readonly minRequests?: number;
}

/** Every step at or above the live weight (at least the last one). */
export function stepsFrom(weight: number): number[] {
  const steps = CANARY_STEPS.filter((s) => s >= weight);
  return steps.length > 0 ? steps : [100];
}

export function planFor(analysis: CanaryAnalysis, options: PlanOptions = {}): Plan {
  if (!(analysis.intervalSeconds > 0) || !(analysis.soakSeconds >= 0)) {
    throw new Error(
      `canary analysis needs an interval > 0 and a soak >= 0 (got ${JSON.stringify(analysis)})`,
    );
  }
  const steps = stepsFrom(options.fromWeight ?? 0);
  const maxIntervals = CANARY_MAX_INTERVALS_PER_STEP;
  // Every step but the last: at most maxIntervals looks. The last: the soak's intervals, plus a window
  // that may start just before the soak ends and run to its limit.
  const soakIntervals = Math.ceil(analysis.soakSeconds / analysis.intervalSeconds);
  const comparing = (steps.length - 1) * maxIntervals;
  const all = comparing + soakIntervals + maxIntervals;
  // Weighted Bonferroni: most of the budget to the comparisons, the rest to the early absolute tests
  // (which only need to catch disasters, where even a tiny level rejects at once).
  const budget = CANARY_FALSE_ROLLBACK_RATE;
  return {
    steps,
    intervalMs: analysis.intervalSeconds * 1000,
    soakMs: analysis.soakSeconds * 1000,
    maxLooks: { comparing, all },
    policy: {
      maxErrorPercent: CANARY_MAX_ERROR_PERCENT,
      maxP95Ms: CANARY_MAX_P95_MS,
      minRequests: options.minRequests ?? CANARY_MIN_REQUESTS,
      maxIntervals,
      alpha: comparing === 0 ? 0 : ((1 - CANARY_EARLY_TEST_SHARE) * budget) / (2 * comparing),
      alphaEarly: (CANARY_EARLY_TEST_SHARE * budget) / (2 * all),
      suspectP: CANARY_SUSPECT_P,
      minErrorDiffPoints: CANARY_MIN_ERROR_DIFF_POINTS,
      minSlowDiffPoints: CANARY_MIN_SLOW_DIFF_POINTS,
      tailQuantile: CANARY_TAIL_QUANTILE,
    },
  };
}
