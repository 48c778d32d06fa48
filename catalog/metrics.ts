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

/** Latency buckets in seconds: fine below 100 ms, reaching past the 1.5 s fraud-check delay. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10] as const;

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
} as const;

export type MetricKey = keyof typeof METRICS;
export type LabelsOf<K extends MetricKey> = (typeof METRICS)[K]['labels'][number];
