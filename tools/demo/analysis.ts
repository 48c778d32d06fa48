// The demo's cross-service analysis of one scenario's transactions (from the audit trail): which
// service spends the time (its exclusive time per transaction, waiting on callees excluded), where
// errors come from, and the slowest transactions. Thresholds and texts are the analytics plugin's:
// above ANALYTICS_LATENCY_THRESHOLD_MS a warning, above twice it critical.
import { ANALYTICS_ERROR_THRESHOLD_PERCENT, ANALYTICS_LATENCY_THRESHOLD_MS } from '../../catalog/index.ts';
import { classify, recommendationText } from '../../services/kit/plugins/transaction-analytics.ts';
import { exclusiveTime, flatten, servicesOf, spanTree, wallTime, type Transaction } from '../trace/spans.ts';

const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

export interface ServiceTime {
  service: string;
  /** Transactions that touched the service. */
  transactions: number;
  /** Transactions in which one of its steps failed, and their share. */
  failed_transactions: number;
  error_rate_percent: number;
  /** Exclusive time per transaction that touched it, in ms. */
  average_own_time_ms: number;
  status: 'healthy' | 'warning' | 'critical';
  /** The same split by operation (per transaction), largest first. */
  operations: { operation: string; average_own_time_ms: number }[];
}

export function serviceTimes(txns: readonly Transaction[]): ServiceTime[] {
  const totals = new Map<string, { txns: number; failed: number; ms: number; ops: Map<string, number> }>();
  for (const t of txns) {
    const failedIn = new Set(t.spans.filter((s) => s.outcome === 'failure').map((s) => s.service));
    for (const [service, ops] of exclusiveTime(t)) {
      const acc = totals.get(service) ?? { txns: 0, failed: 0, ms: 0, ops: new Map<string, number>() };
      acc.txns++;
      if (failedIn.has(service)) acc.failed++;
      for (const [op, ms] of ops) {
        acc.ms += ms;
        acc.ops.set(op, (acc.ops.get(op) ?? 0) + ms);
      }
      totals.set(service, acc);
    }
  }
  return [...totals]
    .map(([service, acc]) => {
      const avg = acc.ms / acc.txns;
      return {
        service,
        transactions: acc.txns,
        failed_transactions: acc.failed,
        error_rate_percent: round((acc.failed / acc.txns) * 100),
        average_own_time_ms: round(avg),
        status: classify(avg, ANALYTICS_LATENCY_THRESHOLD_MS),
        operations: [...acc.ops]
          .map(([operation, ms]) => ({ operation, average_own_time_ms: round(ms / acc.txns) }))
          .sort((a, b) => b.average_own_time_ms - a.average_own_time_ms),
      };
    })
    .sort((a, b) => b.average_own_time_ms - a.average_own_time_ms);
}

export interface Bottleneck {
  scenario: string;
  service: string;
  /** The operation that takes most of the service's own time. */
  operation: string;
  average_response_time_ms: number;
  severity: 'high' | 'medium';
  impact: string;
  operations: { operation: string; average_own_time_ms: number }[];
}

export function bottlenecks(scenario: string, times: readonly ServiceTime[]): Bottleneck[] {
  return times
    .filter((t) => t.status !== 'healthy')
    .map((t) => ({
      scenario,
      service: t.service,
      operation: t.operations[0]?.operation ?? 'unknown',
      average_response_time_ms: t.average_own_time_ms,
      severity: t.status === 'critical' ? ('high' as const) : ('medium' as const),
      impact: `${Math.round(t.average_own_time_ms - ANALYTICS_LATENCY_THRESHOLD_MS)}ms over threshold`,
      operations: t.operations,
    }));
}

/** Worst first: high before medium, then slower first. */
export function rankBottlenecks(all: readonly Bottleneck[]): Bottleneck[] {
  return [...all].sort(
    (a, b) =>
      Number(b.severity === 'high') - Number(a.severity === 'high') ||
      b.average_response_time_ms - a.average_response_time_ms,
  );
}

export interface ErrorPattern {
  scenario: string;
  service: string;
  operation: string;
  error_type: string;
  count: number;
  /** Share of that service's timed operation that failed this way. */
  rate_percent: number;
}

export function errorPatterns(scenario: string, txns: readonly Transaction[]): ErrorPattern[] {
  const calls = new Map<string, number>();
  const errors = new Map<string, number>();
  for (const s of txns.flatMap((t) => t.spans)) {
    if (s.durationMs === 0 && s.outcome === 'success') continue;
    const op = `${s.service}\u0000${s.operation}`;
    calls.set(op, (calls.get(op) ?? 0) + 1);
    if (s.outcome !== 'failure') continue;
    const key = `${op}\u0000${s.errorType ?? 'unknown'}`;
    errors.set(key, (errors.get(key) ?? 0) + 1);
  }
  return [...errors]
    .map(([key, count]) => {
      const [service = '', operation = '', error_type = ''] = key.split('\u0000');
      const total = calls.get(`${service}\u0000${operation}`) ?? count;
      return { scenario, service, operation, error_type, count, rate_percent: round((count / total) * 100) };
    })
    .sort((a, b) => b.count - a.count || a.service.localeCompare(b.service));
}

export interface WaterfallSpan {
  service: string;
  operation: string;
  /** Milliseconds after the transaction's first span started. */
  start_ms: number;
  duration_ms: number;
  depth: number;
  outcome: 'success' | 'failure';
  event?: string | undefined;
}

export interface SlowTransaction {
  correlation_id: string;
  scenario: string;
  duration_ms: number;
  services: string[];
  failed: boolean;
  spans: WaterfallSpan[];
}

export function waterfall(t: Transaction): WaterfallSpan[] {
  const { startMs } = wallTime(t);
  return flatten(spanTree(t)).map((n) => ({
    service: n.service,
    operation: n.operation,
    start_ms: round(n.startMs - startMs),
    duration_ms: round(n.durationMs),
    depth: n.depth,
    outcome: n.outcome,
    event: n.label,
  }));
}

export function slowestTransactions(
  scenario: string,
  txns: readonly Transaction[],
  count: number,
): SlowTransaction[] {
  return txns
    .map((t) => ({ t, wall: wallTime(t) }))
    .sort((a, b) => b.wall.durationMs - a.wall.durationMs)
    .slice(0, count)
    .map(({ t, wall }) => ({
      correlation_id: t.correlationId,
      scenario,
      duration_ms: round(wall.durationMs),
      services: servicesOf(t),
      failed: t.spans.some((s) => s.outcome === 'failure'),
      spans: waterfall(t),
    }));
}

/** The seed's recommendation texts, for the bottlenecks and for scenarios with a high failure rate. */
export function recommendations(
  ranked: readonly Bottleneck[],
  failureRates: readonly { scenario: string; failedPercent: number }[],
): string[] {
  const texts = ranked.map((b) => {
    const who = `${b.service} (${b.operation}, ${b.scenario})`;
    return b.severity === 'high'
      ? recommendationText.critical(who, b.average_response_time_ms)
      : recommendationText.warning(who, b.average_response_time_ms);
  });
  for (const { scenario, failedPercent } of failureRates) {
    if (failedPercent > ANALYTICS_ERROR_THRESHOLD_PERCENT)
      texts.push(`${scenario}: ${recommendationText.highErrorRate(failedPercent)}`);
  }
  if (texts.length === 0) texts.push(recommendationText.allHealthy());
  return texts;
}
