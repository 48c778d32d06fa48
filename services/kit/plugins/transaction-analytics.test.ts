import { nearestRank } from '../stats.ts';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ANALYTICS_ERROR_THRESHOLD_PERCENT,
  ANALYTICS_LATENCY_THRESHOLD_MS,
} from '../../../catalog/thresholds.ts';
import { PluginRegistry } from './plugin.ts';
import type { AuditEvent, PluginContext } from './plugin.ts';
import { startTestServer } from '../../../test/support/test-http.ts';
import type { TestServer } from '../../../test/support/test-http.ts';
import {
  DEFAULT_WINDOW_SIZE,
  TransactionAnalyticsPlugin,
  recommendationText,
} from './transaction-analytics.ts';
import type { AnalyticsReport } from './transaction-analytics.ts';

const ctx: PluginContext = {
  service: 'payment',
  version: '1.0.0',
  logger: { warn: () => {}, info: () => {} },
};

let seq = 0;
function sample(operation: string, duration_ms: number, failure?: string): AuditEvent {
  seq++;
  return {
    time: new Date(0).toISOString(),
    service: 'payment',
    version: '1.0.0',
    event: `payment_${operation}_completed`,
    correlation_id: `TXN-TEST-${seq}`,
    operation,
    duration_ms,
    outcome: failure === undefined ? 'success' : 'failure',
    ...(failure === undefined ? {} : { error_type: failure }),
  };
}

function plugin(options: ConstructorParameters<typeof TransactionAnalyticsPlugin>[0] = {}) {
  const p = new TransactionAnalyticsPlugin(options);
  p.init(ctx);
  return p;
}

function feed(p: TransactionAnalyticsPlugin, op: string, durations: number[], failure?: string): void {
  for (const d of durations) p.onAuditEvent(sample(op, d, failure));
}

describe('nearestRank', () => {
  it('returns the value at rank ceil(p/100 * n)', () => {
    const xs = [15, 20, 35, 40, 50];
    expect(nearestRank(xs, 5)).toBe(15);
    expect(nearestRank(xs, 30)).toBe(20);
    expect(nearestRank(xs, 40)).toBe(20);
    expect(nearestRank(xs, 50)).toBe(35);
    expect(nearestRank(xs, 100)).toBe(50);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(nearestRank(hundred, 95)).toBe(95);
    expect(nearestRank(hundred, 99)).toBe(99);
    const ten = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(nearestRank(ten, 95)).toBe(10); // ceil(9.5) = 10
    expect(nearestRank(ten, 50)).toBe(5);
    expect(nearestRank([], 95)).toBe(0);
  });
});

describe('TransactionAnalyticsPlugin math', () => {
  it('computes count, avg, p50/p95/p99, max and error rate of one operation (input order irrelevant)', () => {
    const p = plugin();
    // 10, 20, ..., 200 fed in a scrambled order; one of them (70) failed.
    const durations = Array.from({ length: 20 }, (_, i) => ((i * 7) % 20) * 10 + 10);
    expect([...durations].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) * 10));
    for (const d of durations) p.onAuditEvent(sample('bank_api', d, d === 70 ? 'bank_timeout' : undefined));

    const perf = p.report().service_performance.bank_api!;
    expect(perf).toEqual({
      count: 20,
      avg_ms: 105, // (10 + 200) / 2
      p50_ms: 100, // rank ceil(10) = 10
      p95_ms: 190, // rank ceil(19) = 19
      p99_ms: 200, // rank ceil(19.8) = 20
      max_ms: 200,
      error_count: 1,
      error_rate_percent: 5,
      status: 'critical', // 5 % errors > 2 x 2 %
    });
  });

  it('keeps only the last windowSize samples per operation, but totals since start', () => {
    const p = plugin({ windowSize: 3 });
    p.onAuditEvent(sample('reserve', 100, 'out_of_stock'));
    feed(p, 'reserve', [200, 300, 400]);
    const r = p.report();
    expect(r.service_performance.reserve).toMatchObject({
      count: 3,
      avg_ms: 300,
      p50_ms: 300,
      max_ms: 400,
      error_count: 0, // the failed sample was evicted
      error_rate_percent: 0,
    });
    expect(r.summary).toMatchObject({
      total_operations: 4,
      total_errors: 1,
      error_rate_percent: 25,
      avg_response_time_ms: 250,
      window: { samples_per_operation: 3 },
    });
    expect(r.error_analysis.common_errors).toEqual([
      { error_type: 'out_of_stock', count: 1, operations: ['reserve'] },
    ]);

    // Wrap around several times: the window holds exactly the last three.
    feed(p, 'reserve', [1, 2, 3, 4, 5, 6, 7]);
    expect(p.report().service_performance.reserve).toMatchObject({
      count: 3,
      avg_ms: 6,
      p50_ms: 6,
      max_ms: 7,
    });
  });

  it('evicts failures from the window error rate as the ring wraps', () => {
    const p = plugin({ windowSize: 4, errorThresholdPercent: 10 });
    feed(p, 'charge', [10, 10], 'declined');
    feed(p, 'charge', [10, 10]);
    expect(p.report().service_performance.charge).toMatchObject({ error_count: 2, error_rate_percent: 50 });
    feed(p, 'charge', [10]);
    expect(p.report().service_performance.charge).toMatchObject({ error_count: 1, error_rate_percent: 25 });
    feed(p, 'charge', [10]);
    expect(p.report().service_performance.charge).toMatchObject({
      error_count: 0,
      error_rate_percent: 0,
      status: 'healthy',
    });
  });

  it('ignores events that are not timed operation samples', () => {
    const p = plugin();
    const base = sample('x', 1);
    p.onAuditEvent({ ...base, operation: undefined });
    p.onAuditEvent({ ...base, operation: '' });
    p.onAuditEvent({ ...base, operation: 42 });
    p.onAuditEvent({ ...base, duration_ms: '12' });
    p.onAuditEvent({ ...base, duration_ms: Number.NaN });
    p.onAuditEvent({ ...base, duration_ms: Number.POSITIVE_INFINITY });
    p.onAuditEvent({ ...base, duration_ms: -1 });
    p.onAuditEvent({ ...base, duration_ms: undefined });
    const r = p.report();
    expect(r.summary.total_operations).toBe(0);
    expect(r.service_performance).toEqual({});
    expect(r.slowest_operation).toBeNull();
    expect(r.recommendations).toEqual(['All services are performing within acceptable thresholds.']);
  });

  it('treats a missing outcome as success and a failure without error_type as "unknown"', () => {
    const p = plugin();
    const { outcome: _o, ...noOutcome } = sample('x', 5);
    p.onAuditEvent(noOutcome as AuditEvent);
    const { error_type: _e, ...noType } = sample('x', 5, 'whatever');
    p.onAuditEvent(noType as AuditEvent);
    const r = p.report();
    expect(r.summary).toMatchObject({ total_operations: 2, total_errors: 1 });
    expect(r.error_analysis.common_errors).toEqual([{ error_type: 'unknown', count: 1, operations: ['x'] }]);
  });

  it('defaults to the catalog thresholds and a 2000-sample window, and rejects bad options', () => {
    const r = plugin().report();
    expect(r.thresholds).toEqual({
      latency_ms: ANALYTICS_LATENCY_THRESHOLD_MS,
      critical_latency_ms: 2 * ANALYTICS_LATENCY_THRESHOLD_MS,
      error_rate_percent: ANALYTICS_ERROR_THRESHOLD_PERCENT,
      critical_error_rate_percent: 2 * ANALYTICS_ERROR_THRESHOLD_PERCENT,
    });
    expect(r.summary.window.samples_per_operation).toBe(DEFAULT_WINDOW_SIZE);
    expect(DEFAULT_WINDOW_SIZE).toBe(2000);
    expect(() => new TransactionAnalyticsPlugin({ windowSize: 0 })).toThrow(RangeError);
    expect(() => new TransactionAnalyticsPlugin({ windowSize: 1.5 })).toThrow(RangeError);
    expect(() => new TransactionAnalyticsPlugin({ latencyThresholdMs: -5 })).toThrow(/latencyThresholdMs/);
    expect(() => new TransactionAnalyticsPlugin({ errorThresholdPercent: Number.NaN })).toThrow(
      /errorThresholdPercent/,
    );
  });
});

describe('severity boundaries (latency threshold 500 ms)', () => {
  function reportFor(avg: number): AnalyticsReport {
    const p = plugin();
    feed(p, 'fraud_check', [avg - 100, avg, avg + 100]); // mean = avg
    return p.report();
  }

  it('exactly at the threshold is healthy: no bottleneck, the all-clear text', () => {
    const r = reportFor(500);
    expect(r.service_performance.fraud_check!.status).toBe('healthy');
    expect(r.bottleneck_analysis).toEqual({ bottlenecks_found: 0, critical_services: [] });
    expect(r.recommendations).toEqual(['All services are performing within acceptable thresholds.']);
  });

  it('just above the threshold is a medium-severity warning', () => {
    const r = reportFor(501);
    expect(r.service_performance.fraud_check!.status).toBe('warning');
    expect(r.bottleneck_analysis).toEqual({
      bottlenecks_found: 1,
      critical_services: [
        {
          service: 'payment',
          operation: 'fraud_check',
          average_response_time_ms: 501,
          severity: 'medium',
          impact: '1ms over threshold',
        },
      ],
    });
    expect(r.recommendations).toEqual([
      'WARNING: payment/fraud_check is slow (avg: 501ms). Monitor for potential issues.',
    ]);
  });

  it('exactly twice the threshold is still a warning', () => {
    const r = reportFor(1000);
    expect(r.service_performance.fraud_check!.status).toBe('warning');
    expect(r.bottleneck_analysis.critical_services[0]).toMatchObject({
      severity: 'medium',
      impact: '500ms over threshold',
    });
  });

  it('above twice the threshold is critical with high severity', () => {
    const r = reportFor(1250);
    expect(r.service_performance.fraud_check!.status).toBe('critical');
    expect(r.bottleneck_analysis.critical_services).toEqual([
      {
        service: 'payment',
        operation: 'fraud_check',
        average_response_time_ms: 1250,
        severity: 'high',
        impact: '750ms over threshold',
      },
    ]);
    expect(r.recommendations).toEqual([
      'CRITICAL: payment/fraud_check is severely slow (avg: 1250ms). Consider scaling or optimization.',
    ]);
    // Boundary with fractional averages: 1000.5 > 1000 is critical.
    expect(reportFor(1000.5).service_performance.fraud_check!.status).toBe('critical');
  });

  it('honours a custom latency threshold', () => {
    const p = plugin({ latencyThresholdMs: 100 });
    feed(p, 'a', [150]);
    feed(p, 'b', [250]);
    const r = p.report();
    expect(r.service_performance.a!.status).toBe('warning');
    expect(r.service_performance.b!.status).toBe('critical');
    expect(r.bottleneck_analysis.critical_services.map((b) => b.impact)).toEqual([
      '150ms over threshold',
      '50ms over threshold',
    ]);
  });
});

describe('error-rate boundaries (threshold 2 %)', () => {
  function reportWithErrors(failures: number, total = 100): AnalyticsReport {
    const p = plugin();
    feed(p, 'bank_api', Array<number>(failures).fill(10), 'bank_error');
    feed(p, 'bank_api', Array<number>(total - failures).fill(10));
    return p.report();
  }

  it('exactly at the threshold raises nothing', () => {
    const r = reportWithErrors(2);
    expect(r.error_analysis).toMatchObject({ error_rate_percent: 2, status: 'healthy' });
    expect(r.service_performance.bank_api!.status).toBe('healthy');
    expect(r.recommendations).toEqual(['All services are performing within acceptable thresholds.']);
  });

  it('above the threshold is a warning with the seed text', () => {
    const r = reportWithErrors(3);
    expect(r.error_analysis).toMatchObject({ error_rate_percent: 3, status: 'warning' });
    expect(r.service_performance.bank_api!.status).toBe('warning');
    expect(r.recommendations).toEqual([
      'High error rate detected: 3%. Investigate error patterns and root causes.',
    ]);
  });

  it('exactly twice is a warning, above twice is critical', () => {
    expect(reportWithErrors(4).error_analysis.status).toBe('warning');
    const r = reportWithErrors(5);
    expect(r.error_analysis.status).toBe('critical');
    expect(r.service_performance.bank_api!.status).toBe('critical');
  });

  it('rounds the rate in the text to two decimals', () => {
    const r = reportWithErrors(1, 3);
    expect(r.error_analysis.error_rate_percent).toBe(33.33);
    expect(r.recommendations).toEqual([
      'High error rate detected: 33.33%. Investigate error patterns and root causes.',
    ]);
  });
});

describe('report shape', () => {
  it('names the slowest operation and orders bottlenecks worst first, then the error text', () => {
    const p = plugin();
    feed(p, 'bank_api', [600, 700, 800]); // avg 700: warning
    feed(p, 'fraud_check', [900, 1300, 1400]); // avg 1200: critical
    feed(p, 'idempotency_lookup', [2, 4]);
    p.onAuditEvent(sample('bank_api', 650, 'bank_declined'));
    const r = p.report();

    expect(r.slowest_operation).toEqual({
      service: 'payment',
      operation: 'fraud_check',
      avg_ms: 1200,
      p95_ms: 1400,
      max_ms: 1400,
      count: 3,
    });
    expect(Object.keys(r.service_performance)).toEqual(['bank_api', 'fraud_check', 'idempotency_lookup']);
    expect(r.service_performance.idempotency_lookup).toMatchObject({ avg_ms: 3, status: 'healthy' });
    expect(r.bottleneck_analysis.critical_services.map((b) => [b.operation, b.severity])).toEqual([
      ['fraud_check', 'high'],
      ['bank_api', 'medium'],
    ]);
    expect(r.recommendations).toEqual([
      'CRITICAL: payment/fraud_check is severely slow (avg: 1200ms). Consider scaling or optimization.',
      'WARNING: payment/bank_api is slow (avg: 688ms). Monitor for potential issues.',
      'High error rate detected: 11.11%. Investigate error patterns and root causes.',
    ]);
    expect(r.summary).toMatchObject({ total_operations: 9, total_errors: 1, error_rate_percent: 11.11 });
  });

  it('lists the top five error types by count, ties by name, with the operations they hit', () => {
    const p = plugin();
    const tallies: [string, number, string][] = [
      ['timeout', 4, 'bank_api'],
      ['declined', 6, 'bank_api'],
      ['zeta', 5, 'fraud_check'],
      ['alpha', 5, 'bank_api'],
      ['rare', 1, 'refund'],
      ['fraud_suspected', 3, 'fraud_check'],
    ];
    for (const [type, n, op] of tallies) feed(p, op, Array<number>(n).fill(10), type);
    p.onAuditEvent(sample('refund', 10, 'timeout'));
    const r = p.report();
    expect(r.error_analysis.common_errors).toEqual([
      { error_type: 'declined', count: 6, operations: ['bank_api'] },
      { error_type: 'alpha', count: 5, operations: ['bank_api'] },
      { error_type: 'timeout', count: 5, operations: ['bank_api', 'refund'] },
      { error_type: 'zeta', count: 5, operations: ['fraud_check'] },
      { error_type: 'fraud_suspected', count: 3, operations: ['fraud_check'] },
    ]);
  });

  it('carries plugin identity, service, the injected clock and resets to an empty report', () => {
    let t = Date.parse('2026-11-21T10:00:00.000Z');
    const p = plugin({ now: () => new Date(t) });
    feed(p, 'x', [1000, 2000]);
    t += 60_000;
    const r = p.report();
    expect(r.plugin).toEqual({ name: 'transaction-analytics', version: '1.0.0' });
    expect(r.service).toBe('payment');
    expect(r.generated_at).toBe('2026-11-21T10:01:00.000Z');
    expect(r.summary.since).toBe('2026-11-21T10:00:00.000Z');

    p.reset();
    const after = p.report();
    expect(after.summary).toMatchObject({ since: '2026-11-21T10:01:00.000Z', total_operations: 0 });
    expect(after.service_performance).toEqual({});
    expect(after.error_analysis.common_errors).toEqual([]);
  });

  it('takes the service name from events when used without init', () => {
    const p = new TransactionAnalyticsPlugin();
    p.onAuditEvent({ ...sample('reserve', 1200), service: 'inventory' });
    expect(p.report().recommendations).toEqual([
      'CRITICAL: inventory/reserve is severely slow (avg: 1200ms). Consider scaling or optimization.',
    ]);
  });

  it('exposes the seed texts verbatim', () => {
    expect(recommendationText.critical('svc', 1250.4)).toBe(
      'CRITICAL: svc is severely slow (avg: 1250ms). Consider scaling or optimization.',
    );
    expect(recommendationText.warning('svc', 700)).toBe(
      'WARNING: svc is slow (avg: 700ms). Monitor for potential issues.',
    );
    expect(recommendationText.highErrorRate(12.5)).toBe(
      'High error rate detected: 12.5%. Investigate error patterns and root causes.',
    );
    expect(recommendationText.allHealthy()).toBe('All services are performing within acceptable thresholds.');
  });

  it('keeps memory bounded: a window never grows past its size', () => {
    const p = plugin({ windowSize: 2000 });
    for (let i = 0; i < 50_000; i++) p.onAuditEvent(sample('hot', i % 1000));
    const r = p.report();
    expect(r.service_performance.hot!.count).toBe(2000);
    expect(r.summary.total_operations).toBe(50_000);
    expect(r.service_performance.hot!.max_ms).toBe(999);
  });
});

describe('routes through the registry', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves GET /analytics/report from dispatched audit events and clears on POST /analytics/reset', async () => {
    const analytics = new TransactionAnalyticsPlugin();
    const errors: unknown[] = [];
    const registry = new PluginRegistry([analytics], ctx, (_name, err) => errors.push(err));
    await registry.init();
    server = await startTestServer((router) => registry.mount(router));

    for (const d of [800, 1200, 1500]) registry.dispatch(sample('fraud_check', d));
    registry.dispatch(sample('bank_api', 300));
    registry.dispatch(sample('bank_api', 400, 'bank_declined'));

    const res = await fetch(`${server.url}/analytics/report`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await res.json()) as AnalyticsReport;
    expect(body.service).toBe('payment');
    expect(body.slowest_operation).toMatchObject({ operation: 'fraud_check', avg_ms: 1166.67, max_ms: 1500 });
    expect(body.service_performance.bank_api).toMatchObject({ count: 2, error_rate_percent: 50 });
    expect(body.recommendations).toEqual([
      'CRITICAL: payment/fraud_check is severely slow (avg: 1167ms). Consider scaling or optimization.',
      'High error rate detected: 20%. Investigate error patterns and root causes.',
    ]);

    const reset = await fetch(`${server.url}/analytics/reset`, { method: 'POST' });
    expect(reset.status).toBe(200);
    expect(await reset.json()).toMatchObject({ reset: true });
    const empty = (await (await fetch(`${server.url}/analytics/report`)).json()) as AnalyticsReport;
    expect(empty.summary.total_operations).toBe(0);
    expect(empty.recommendations).toEqual(['All services are performing within acceptable thresholds.']);
    expect(errors).toEqual([]);
    await registry.close();
  });

  it('does not mount the reset route when resetEnabled is false', async () => {
    const analytics = new TransactionAnalyticsPlugin({ resetEnabled: false });
    analytics.init(ctx);
    server = await startTestServer((router) => analytics.routes(router));
    expect((await fetch(`${server.url}/analytics/reset`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${server.url}/analytics/report`)).status).toBe(200);
  });
});
