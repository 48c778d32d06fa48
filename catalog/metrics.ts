// Every metric the services export, defined once. The service kit registers prom-client metrics
// from these definitions; dashboards and alert rules build their PromQL from the same names, and a
// test fails if a query names a metric that is not defined here or not exported by a running service.
//
// Every series also carries the default labels `app` (service name) and `version` (so canary
// analysis can compare versions). Prometheus's own target labels (job, instance, namespace, pod,
// service) are never used as metric labels.

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricDef<L extends string = string> {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly labels: readonly L[];
  readonly buckets?: readonly number[];
}

function def<const L extends string>(d: MetricDef<L>): MetricDef<L> {
  return d;
}

export const DEFAULT_LABELS = ['app', 'version'] as const;

/** Latency buckets in seconds: fine below 100 ms, reaching past the 1.5 s fraud-check delay. Every
 * latency objective of the catalog (services' p95Ms, ML_MAX_PROCESSING_P95_MS) is a bucket bound, so
 * SLO ratios count "faster than the objective" exactly (catalog.test.ts keeps it so). */
const LATENCY_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.3, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 5, 10,
] as const;

export const METRICS = {
  // RED metrics for inbound requests. Rate and errors come from the histogram's _count.
  httpServerDuration: def({
    name: 'mmf_http_server_request_duration_seconds',
    help: 'Duration of inbound HTTP requests by route template and status code',
    type: 'histogram',
    labels: ['method', 'route', 'status_code'],
    buckets: LATENCY_BUCKETS,
  }),
  httpServerInFlight: def({
    name: 'mmf_http_server_requests_in_flight',
    help: 'Inbound HTTP requests being served right now',
    type: 'gauge',
    labels: [],
  }),
  // RED metrics for every downstream call, one series per target and operation.
  httpClientDuration: def({
    name: 'mmf_http_client_request_duration_seconds',
    help: 'Duration of outbound calls to other services, by outcome (success, http_error, timeout, circuit_open, bulkhead_full, network_error)',
    type: 'histogram',
    labels: ['target', 'operation', 'outcome'],
    buckets: LATENCY_BUCKETS,
  }),
  httpClientRetries: def({
    name: 'mmf_http_client_retries_total',
    help: 'Retries of idempotent outbound calls',
    type: 'counter',
    labels: ['target', 'operation'],
  }),
  idempotencyRequests: def({
    name: 'mmf_idempotency_requests_total',
    help: 'Requests with an Idempotency-Key by route and outcome (executed, resumed, replayed, in_flight, mismatch)',
    type: 'counter',
    labels: ['route', 'outcome'],
  }),
  circuitBreakerState: def({
    name: 'mmf_circuit_breaker_state',
    help: 'Circuit breaker state per downstream target, one-hot: 1 for the current state (closed, open, half_open)',
    type: 'gauge',
    labels: ['target', 'state'],
  }),
  bulkheadRejections: def({
    name: 'mmf_bulkhead_rejections_total',
    help: 'Outbound calls rejected because the bulkhead for the target was full',
    type: 'counter',
    labels: ['target'],
  }),
  faultsInjected: def({
    name: 'mmf_faults_injected_total',
    help: 'Deliberate faults injected (fault mechanism of the service kit)',
    type: 'counter',
    labels: ['fault'],
  }),
  auditEvents: def({
    name: 'mmf_audit_events_total',
    help: 'Audit events written, by event name',
    type: 'counter',
    labels: ['event'],
  }),
  pluginErrors: def({
    name: 'mmf_plugin_errors_total',
    help: 'Errors thrown by plugins (isolated: they never fail a request)',
    type: 'counter',
    labels: ['plugin'],
  }),
  // Order saga.
  orders: def({
    name: 'mmf_orders_total',
    help: 'Orders that reached a final state, by outcome (confirmed, failed)',
    type: 'counter',
    labels: ['outcome'],
  }),
  orderRevenue: def({
    name: 'mmf_order_revenue_dollars_total',
    help: 'Revenue of confirmed orders in dollars',
    type: 'counter',
    labels: [],
  }),
  sagaCompensations: def({
    name: 'mmf_saga_compensations_total',
    help: 'Compensating actions run by the order saga, by step and reason',
    type: 'counter',
    labels: ['step', 'reason'],
  }),
  sagasRecovered: def({
    name: 'mmf_sagas_recovered_total',
    help: 'Sagas found unfinished at start-up and resolved, by resolution (confirmed, compensated)',
    type: 'counter',
    labels: ['resolution'],
  }),
  // Payment.
  payments: def({
    name: 'mmf_payments_total',
    help: 'Payment attempts by outcome (succeeded, declined, failed, fraud_rejected)',
    type: 'counter',
    labels: ['outcome'],
  }),
  fraudChecks: def({
    name: 'mmf_fraud_checks_total',
    help: 'Fraud checks by outcome (passed, rejected)',
    type: 'counter',
    labels: ['outcome'],
  }),
  fraudCheckDuration: def({
    name: 'mmf_fraud_check_duration_seconds',
    help: 'Duration of fraud checks (orders over the threshold get the deliberate delay)',
    type: 'histogram',
    labels: ['outcome'],
    buckets: LATENCY_BUCKETS,
  }),
  bankCalls: def({
    name: 'mmf_bank_calls_total',
    help: 'Calls to the simulated bank API by outcome (approved, declined, error)',
    type: 'counter',
    labels: ['outcome'],
  }),
  bankCallDuration: def({
    name: 'mmf_bank_call_duration_seconds',
    help: 'Duration of calls to the simulated bank API',
    type: 'histogram',
    labels: ['outcome'],
    buckets: LATENCY_BUCKETS,
  }),
  refunds: def({
    name: 'mmf_refunds_total',
    help: 'Refunds and voids of payments, by kind (refund, void)',
    type: 'counter',
    labels: ['kind'],
  }),
  // Inventory.
  stockAvailable: def({
    name: 'mmf_stock_available',
    help: 'Units available for sale per SKU',
    type: 'gauge',
    labels: ['sku'],
  }),
  stockReserved: def({
    name: 'mmf_stock_reserved',
    help: 'Units held by open reservations per SKU',
    type: 'gauge',
    labels: ['sku'],
  }),
  reservations: def({
    name: 'mmf_reservations_total',
    help: 'Reservation operations by operation (reserve, commit, release, expire) and outcome',
    type: 'counter',
    labels: ['operation', 'outcome'],
  }),
  // Storefront (petstore): the customer journey and its business outcome.
  journeySteps: def({
    name: 'mmf_journey_steps_total',
    help: 'Customer journey steps served by the storefront, by step (health, ml_recommendations, browse_pets, pet_details, create_order, process_payment, schedule_delivery, track_order) and outcome (success, degraded, failure)',
    type: 'counter',
    labels: ['step', 'outcome'],
  }),
  journeyStepDuration: def({
    name: 'mmf_journey_step_duration_seconds',
    help: 'Duration of customer journey steps, by step and outcome',
    type: 'histogram',
    labels: ['step', 'outcome'],
    buckets: LATENCY_BUCKETS,
  }),
  journeysStarted: def({
    name: 'mmf_journeys_started_total',
    help: 'Customer journeys started: correlation IDs the storefront saw for the first time',
    type: 'counter',
    labels: [],
  }),
  journeysConverted: def({
    name: 'mmf_journeys_converted_total',
    help: 'Customer journeys that ended in a confirmed order',
    type: 'counter',
    labels: [],
  }),
  journeyConversion: def({
    name: 'mmf_journey_conversion_ratio',
    help: 'Converted / started journeys in this storefront replica since start (PromQL over the two counters gives the fleet-wide figure)',
    type: 'gauge',
    labels: [],
  }),
  storefrontCheckouts: def({
    name: 'mmf_storefront_checkouts_total',
    help: 'Checkouts placed through the storefront, by outcome (confirmed, payment_declined, fraud_rejected, insufficient_stock, unknown_product, unavailable, ...)',
    type: 'counter',
    labels: ['outcome'],
  }),
  storefrontRevenue: def({
    name: 'mmf_storefront_revenue_dollars_total',
    help: 'Revenue of orders confirmed through the storefront, in dollars',
    type: 'counter',
    labels: [],
  }),
  deliveriesScheduled: def({
    name: 'mmf_deliveries_scheduled_total',
    help: 'Deliveries scheduled (or rescheduled) for confirmed orders, by delivery window',
    type: 'counter',
    labels: ['window'],
  }),
  // Recommendations (ml-advisor serves them; the storefront counts its own fallbacks).
  recommendations: def({
    name: 'mmf_recommendations_total',
    help: 'Recommendation requests served, by A/B variant and whether the fallback answered (true, false)',
    type: 'counter',
    labels: ['variant', 'fallback'],
  }),
  recommendationDuration: def({
    name: 'mmf_recommendation_duration_seconds',
    help: 'Time to produce a recommendation answer (model plus any fallback), by A/B variant',
    type: 'histogram',
    labels: ['variant'],
    buckets: LATENCY_BUCKETS,
  }),
  recommendationConfidence: def({
    name: 'mmf_recommendation_confidence',
    help: 'Confidence score (0..1) of every recommendation served, by A/B variant',
    type: 'histogram',
    labels: ['variant'],
    buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
  }),
  recommendationFallbacks: def({
    name: 'mmf_recommendation_fallbacks_total',
    help: 'Recommendations answered by a fallback, by reason (ml-advisor, its v1 rules: model_error, timeout; petstore, its catalog picks: advisor_unavailable, advisor_timeout, circuit_open, advisor_error)',
    type: 'counter',
    labels: ['reason'],
  }),
  modelOfflineAccuracy: def({
    name: 'mmf_model_offline_accuracy_ratio',
    help: 'Offline accuracy (hit rate at k) of each model variant on the shipped evaluation set, measured at start-up',
    type: 'gauge',
    labels: ['variant'],
  }),
} as const;

export type MetricKey = keyof typeof METRICS;
export type LabelsOf<K extends MetricKey> = (typeof METRICS)[K]['labels'][number];

/** Node.js runtime metrics every service also exports (prom-client's default collectors, enabled by
 * the kit), the ones dashboards use. Labels: the default labels only. */
export const RUNTIME_METRICS = {
  residentMemory: 'process_resident_memory_bytes',
  cpuSeconds: 'process_cpu_seconds_total',
  eventLoopLagP99: 'nodejs_eventloop_lag_p99_seconds',
} as const;

/** Labels Prometheus gives every scraped series of a service (the ServiceMonitor's target labels,
 * mirrored by tools/observe/prometheus.ts locally). */
export const TARGET_LABELS = ['job', 'instance', 'namespace', 'service', 'pod', 'endpoint'] as const;
