// The demo end to end, scaled down (DEMO_SCALE=0.1: about 10 s of load): real services, real k6,
// the real report. Checks that the report matches its committed JSON Schema and that its numbers
// show the causes the scenarios inject.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../stack/stack.ts';
import type { DemoReport } from './report-schema.ts';
import { checkReportPage, type PageCheck } from './html/browser.ts';
import { validateReport } from './schema-file.ts';

const REPORT_DIR = join(ROOT, 'build', 'demo-test');
let exitCode: number | null = null;
let output = '';
let report: DemoReport;
let reportPath: string;
let page: PageCheck;

beforeAll(async () => {
  rmSync(REPORT_DIR, { recursive: true, force: true });
  const child = spawn(process.execPath, [join(ROOT, 'tools', 'demo', 'cli.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      DEMO_SCALE: process.env['DEMO_TEST_SCALE'] ?? '0.1',
      DEMO_REPORT_DIR: REPORT_DIR,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const path = /JSON report: (\S+)/.exec(output)?.[1];
  if (!path) throw new Error(`the demo printed no report path (exit ${exitCode}):\n${output}`);
  reportPath = join(ROOT, path);
  report = JSON.parse(readFileSync(reportPath, 'utf8')) as DemoReport;
  page = await checkReportPage(reportPath.replace(/\.json$/, '.html'), join(REPORT_DIR, 'report.png'));
});

const scenario = (key: string) => {
  const s = report.scenarios.find((x) => x.key === key);
  if (!s) throw new Error(`no scenario ${key} in ${reportPath}`);
  return s;
};

describe('make demo (scaled down)', () => {
  it('exits 0, prints each result block and writes a report that matches its JSON Schema', () => {
    expect(exitCode, output).toBe(0);
    expect(output.match(/📊 Results for /g)).toHaveLength(5);
    expect(reportPath).toMatch(/mmf_demo_report_\d{8}_\d{6}\.json$/);
    expect(validateReport(report)).toEqual([]);
    expect(report.scenarios.map((s) => s.status)).not.toContain('broken');
  });

  it('shows the injected causes: no failures in baseline, payment critical under high load, ~15 % errors', () => {
    expect(scenario('baseline')).toMatchObject({ failed: 0, unexpected: 0 });
    expect(scenario('baseline').total_requests).toBeGreaterThan(5);
    const [top] = scenario('high-load').bottlenecks;
    expect(top, JSON.stringify(scenario('high-load').service_times)).toMatchObject({
      service: 'payment',
      severity: 'high',
    });
    // (Across scenarios the order may differ: on a CPU-starved machine the callers' own time grows too.)
    const errors = scenario('errors');
    expect(100 - errors.success_rate_percent).toBeGreaterThan(10);
    expect(100 - errors.success_rate_percent).toBeLessThan(20);
    expect(errors.error_patterns.map((p) => `${p.service}/${p.error_type}`)).toContain(
      'payment/bank_declined',
    );
    expect(errors.unexpected).toBe(0);
  });

  it('traces the slowest transactions across services from the audit trail', () => {
    const [slowest] = report.slowest_transactions;
    expect(slowest?.correlation_id).toMatch(/^TXN-/);
    expect(slowest?.services.length).toBeGreaterThanOrEqual(3);
    expect(slowest?.spans.length).toBeGreaterThan(3);
  });
});

describe('Prometheus during the demo', () => {
  it('scraped every service in every scenario and saw the payment delay in its latency histogram', () => {
    for (const s of report.scenarios) {
      expect(
        s.prometheus?.services.map((m) => m.service),
        s.key,
      ).toEqual(expect.arrayContaining(['inventory', 'order', 'payment']));
      expect(s.prometheus?.requests_per_second.length, s.key).toBeGreaterThan(0);
    }
    const payment = scenario('high-load').prometheus?.services.find((m) => m.service === 'payment');
    expect(payment?.requests_per_second).toBeGreaterThan(1);
    expect(payment?.p95_ms).toBeGreaterThan(1000);
    expect(payment?.cpu_percent).toBeGreaterThan(0);
  });
});

describe('the HTML report in headless Chromium', () => {
  it('renders every chart with data, logs no console error and loads nothing from outside', () => {
    expect(page.title).toMatch(/MMF demo report/);
    expect(page.charts.map((c) => c.id)).toEqual([
      'chart-latency',
      'chart-throughput',
      'chart-errors',
      'chart-bottlenecks',
      'chart-prometheus',
      'chart-waterfall',
    ]);
    for (const c of page.charts) {
      expect(c.points, c.id).toBeGreaterThan(0);
      expect(c.shapes, c.id).toBeGreaterThan(c.id === 'chart-waterfall' ? c.points : 5);
      expect(c.width * c.height, c.id).toBeGreaterThan(100 * 100);
    }
    expect(page.consoleErrors).toEqual([]);
    expect(page.externalRequests).toEqual([]);
  });
});

describe('make trace after the demo stopped', () => {
  it("prints a journey's tree across petstore, order, payment and inventory from the demo's Jaeger store", () => {
    const journey = report.slowest_transactions.find(
      (t) => t.services.includes('petstore') && t.services.includes('payment'),
    );
    expect(journey, 'a journey among the slowest transactions').toBeDefined();
    const text = execFileSync(
      process.execPath,
      [join(ROOT, 'tools', 'trace', 'cli.ts'), journey!.correlation_id],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(text).toContain(`Correlation ID: ${journey!.correlation_id}`);
    expect(text).toMatch(/source: the demo's trace store/);
    for (const service of ['petstore', 'order', 'payment', 'inventory'])
      expect(text).toMatch(new RegExp(`── ${service}\\s`));
    expect(text).toMatch(/payment\s+payment\.fraud_check|payment\s+payment\.bank_call/);
  });
});
