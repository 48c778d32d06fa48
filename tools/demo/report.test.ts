import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { K6Result } from './k6.ts';
import { DEMO_SCENARIOS } from './plan.ts';
import { assembleReport, reportBaseName, scenarioReport, type ScenarioRun } from './report.ts';
import { SCHEMA_PATH, schemaText, validateReport } from './schema-file.ts';
import type { RequestSample } from './samples.ts';

const dir = mkdtempSync(join(tmpdir(), 'demo-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.parse('2026-12-02T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const audit = (service: string, at: number, cid: string, fields: Record<string, unknown>) =>
  JSON.stringify({ level: 'info', time: iso(at), service, audit: true, correlation_id: cid, ...fields });

/** A large order every 100 ms: fraud check 1000 ms + bank call 400 ms in payment, 15 ms own in order. */
function auditLogs(orders: number, failEvery = 0): void {
  const lines: Record<string, string[]> = { order: [], payment: [], inventory: [] };
  for (let i = 0; i < orders; i++) {
    const cid = `TXN-20261202-120000-${String(i).padStart(6, '0')}`;
    const s = T0 + 100 + i * 100;
    const failed = failEvery > 0 && i % failEvery === 0;
    lines.inventory!.push(
      audit('inventory', s + 10, cid, { event: 'inventory_reserved', operation: 'reserve', duration_ms: 5 }),
    );
    lines.payment!.push(
      audit('payment', s + 1015, cid, {
        event: 'payment_fraud_check_completed',
        operation: 'fraud_check',
        duration_ms: 1000,
      }),
    );
    lines.payment!.push(
      audit('payment', s + 1415, cid, {
        event: 'payment_bank_call_completed',
        operation: 'bank_call',
        duration_ms: 400,
        ...(failed ? { outcome: 'failure', error_type: 'bank_declined' } : {}),
      }),
    );
    lines.order!.push(
      audit('order', s + 1420, cid, {
        event: 'order_creation_completed',
        operation: 'create_order',
        duration_ms: 1420,
      }),
    );
  }
  for (const [service, l] of Object.entries(lines))
    writeFileSync(join(dir, `${service}.log`), `${l.join('\n')}\n`);
}

function k6(samples: RequestSample[], exitCode = 0): K6Result {
  return { exitCode, startedMs: T0, endedMs: T0 + 10_000, samples, thresholds: [], findings: {}, output: '' };
}

const sample = (i: number, status = 201, ms = 1450): RequestSample => ({
  t: T0 + 1000 + i * 100,
  ms,
  status,
  expected: status === 201 || status === 402,
  target: 'order',
  op: 'place_order',
});

const highLoad = DEMO_SCENARIOS.find((s) => s.key === 'high-load')!;

describe('the demo report', () => {
  it('names the payment service the critical bottleneck when it holds the time, and validates', () => {
    auditLogs(40, 10);
    const samples = Array.from({ length: 40 }, (_, i) => sample(i, i % 10 === 0 ? 402 : 201));
    const run: ScenarioRun = { planned: highLoad, loadScale: 0.1, k6: k6(samples), plugins: [] };
    const report = assembleReport({
      runs: [run],
      demoScale: 1,
      startedMs: T0,
      endedMs: T0 + 12_000,
      logDir: dir,
      services: [{ service: 'order', url: 'http://127.0.0.1:8001', version: '0.1.0' }],
      traceStore: null,
      prometheus: null,
      machine: { cpus: 2, load_average: [1, 1, 1] },
    });
    const [top] = report.performance_analysis.bottleneck_analysis.critical_services;
    expect(top).toMatchObject({
      scenario: 'High Load Test',
      service: 'payment',
      operation: 'fraud_check',
      severity: 'high',
    });
    expect(top?.average_response_time_ms).toBe(1400);
    expect(report.scenarios[0]?.service_times.find((t) => t.service === 'order')?.average_own_time_ms).toBe(
      15,
    );
    expect(report.scenarios[0]).toMatchObject({
      failed: 4,
      success_rate_percent: 90,
      transactions: 40,
      status: 'passed',
    });
    expect(report.scenarios[0]?.error_patterns[0]).toMatchObject({
      service: 'payment',
      error_type: 'bank_declined',
      count: 4,
      rate_percent: 10,
    });
    expect(report.performance_analysis.recommendations[0]).toBe(
      'CRITICAL: payment (fraud_check, High Load Test) is severely slow (avg: 1400ms). Consider scaling or optimization.',
    );
    expect(report.performance_analysis.recommendations).toContain(
      'High Load Test: High error rate detected: 10%. Investigate error patterns and root causes.',
    );
    expect(report.slowest_transactions[0]?.services).toEqual(['order', 'inventory', 'payment']);
    expect(validateReport(JSON.parse(JSON.stringify(report)))).toEqual([]);

    // The schema is not a formality: a report missing a number, or with a negative one, fails it.
    const broken = JSON.parse(JSON.stringify(report)) as { scenarios: Record<string, unknown>[] };
    delete broken.scenarios[0]!['p95_response_time_ms'];
    broken.scenarios[0]!['failed'] = -1;
    expect(validateReport(broken).join('\n')).toMatch(
      /p95_response_time_ms[\s\S]*failed|failed[\s\S]*p95_response_time_ms/,
    );
  });

  it('calls a scenario broken when k6 failed or answers were unintended, not when it only missed a threshold', () => {
    const planned = DEMO_SCENARIOS[0]!;
    const ok = Array.from({ length: 20 }, (_, i) => sample(i));
    expect(scenarioReport({ planned, loadScale: 1, k6: k6(ok), plugins: [] }).status).toBe('passed');
    const slow = {
      ...k6(ok, 99),
      thresholds: [{ metric: 'http_req_duration', expression: 'p(95)<100', ok: false, value: 1450 }],
    };
    expect(scenarioReport({ planned, loadScale: 1, k6: slow, plugins: [] })).toMatchObject({
      status: 'thresholds_failed',
      problems: ['http_req_duration p(95)<100 (was 1450)'],
    });
    expect(scenarioReport({ planned, loadScale: 1, k6: k6(ok, 107), plugins: [] }).status).toBe('broken');
    const errors = [...ok, sample(21, 503), sample(22, 503)];
    expect(scenarioReport({ planned, loadScale: 1, k6: k6(errors), plugins: [] }).problems[0]).toMatch(
      /2 unintended answers/,
    );
    const died = { planned, loadScale: 1, k6: k6(ok), plugins: [], stackProblem: 'payment exited' };
    expect(scenarioReport(died).status).toBe('broken');
  });

  it('is named as the document names it', () => {
    expect(reportBaseName(new Date(2026, 11, 2, 9, 5, 7))).toBe('mmf_demo_report_20261202_090507');
  });

  it('has its JSON Schema committed and up to date (make demo-schema)', async () => {
    expect(readFileSync(SCHEMA_PATH, 'utf8')).toBe(await schemaText());
  });
});
