// Thresholds shared by the analytics plugin, alert rules, canary analysis and load-test gates.

/** Transaction analytics: an operation is a bottleneck above this average latency... */
export const ANALYTICS_LATENCY_THRESHOLD_MS = 500;
/** ...and the error rate is high above this share (percent). Critical is twice either. */
export const ANALYTICS_ERROR_THRESHOLD_PERCENT = 2;

/** Canary rollback triggers from the petstore document: errors > 5 % or p95 > 1 s. */
export const CANARY_MAX_ERROR_PERCENT = 5;
export const CANARY_MAX_P95_MS = 1000;
export const CANARY_STEPS = [10, 30, 50, 100] as const;

/** Payment: orders above this amount go through the slow fraud check. */
export const FRAUD_CHECK_THRESHOLD_DOLLARS = 1000;
