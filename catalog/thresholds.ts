// Thresholds shared by the analytics plugin, alert rules, canary analysis and load-test gates.

/** Transaction analytics: an operation is a bottleneck above this average latency... */
export const ANALYTICS_LATENCY_THRESHOLD_MS = 500;
/** ...and the error rate is high above this share (percent). Critical is twice either. */
export const ANALYTICS_ERROR_THRESHOLD_PERCENT = 2;

/** Canary rollback triggers from the petstore document: errors > 5 % or p95 > 1 s. */
export const CANARY_MAX_ERROR_PERCENT = 5;
export const CANARY_MAX_P95_MS = 1000;
export const CANARY_STEPS = [10, 30, 50, 100] as const;

// Canary analysis (tools/canary/judge.ts); the interval and soak are per profile
// (charts-src/config/profiles.ts, `canaryAnalysis`).
/** A step is judged once its window holds this many canary (and stable) requests: at the 5 % trigger
 * that is 5 expected errors, the usual floor for judging a binomial rate. */
export const CANARY_MIN_REQUESTS = 100;
/** A window spans at most this many intervals (waiting for requests, or one more look after a
 * suspicious one); then too few requests halts. */
export const CANARY_MAX_INTERVALS_PER_STEP = 4;
/** Probability, over a whole promotion, of rolling back a canary that is as good as stable. Split
 * evenly over every test the promotion can run (Bonferroni): sound whatever the looks' dependence. */
export const CANARY_FALSE_ROLLBACK_RATE = 0.01;
/** Share of that budget for the early tests against the absolute limits (the rest: comparisons). */
export const CANARY_EARLY_TEST_SHARE = 0.1;
/** Worse at this nominal level, but not significantly: wait another interval before promoting. */
export const CANARY_SUSPECT_P = 0.05;
/** Significantly worse must also matter: the canary's error rate at least this many points above
 * stable's... */
export const CANARY_MIN_ERROR_DIFF_POINTS = 1;
/** ...or at least this many points more of its requests in the slow tail: above the bucket bound of
 * the pooled (both versions) 90th percentile. */
export const CANARY_MIN_SLOW_DIFF_POINTS = 5;
export const CANARY_TAIL_QUANTILE = 0.9;

/** Payment: orders above this amount go through the slow fraud check. */
export const FRAUD_CHECK_THRESHOLD_DOLLARS = 1000;

/** Alert MLAdvisorHighProcessingTime: p95 time to produce a recommendation (petstore document). */
export const ML_MAX_PROCESSING_P95_MS = 2000;
/** Alert HighMemory: working set above this share of the container's memory limit. */
export const MEMORY_LIMIT_ALERT_PERCENT = 90;
/** Alert PodCrashLooping: this many restarts of one container within CRASH_LOOP_WINDOW (one restart,
 * e.g. a single OOM kill, is not a loop). */
export const CRASH_LOOP_RESTARTS = 2;
export const CRASH_LOOP_WINDOW = '15m';
