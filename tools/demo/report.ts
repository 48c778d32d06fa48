// Assembles the demo report from what was measured in this run: k6's request samples per scenario,
// each service's analytics findings, and the audit trail across services. Validated against the
// schema, then written as reports/mmf_demo_report_YYYYMMDD_HHMMSS.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { timestampedName } from '../lib/report-file.ts';
import {
  ANALYTICS_ERROR_THRESHOLD_PERCENT,
  ANALYTICS_LATENCY_THRESHOLD_MS,
  SERVICES,
  SERVICE_NAMES,
} from '../../catalog/index.ts';
import { readAuditLogs, transactions as toTransactions } from '../trace/audit-trail.ts';
import { wallTime, type Transaction } from '../trace/spans.ts';
import {
  bottlenecks,
  errorPatterns,
  rankBottlenecks,
  recommendations,
  serviceTimes,
  slowestTransactions,
} from './analysis.ts';
import type { ServiceFindings } from './analytics.ts';
import type { K6Result } from './k6.ts';
import type { ScenarioMetrics } from './metrics.ts';
import type { PlannedScenario } from './plan.ts';
import { demoReportSchema, type DemoReport, type ScenarioReport } from './report-schema.ts';
import { byTarget, resultBlock, timeline, type ResultBlock } from './samples.ts';
import { ROOT } from '../stack/stack.ts';

export interface ScenarioRun {
  planned: PlannedScenario;
  loadScale: number;
  k6: K6Result;
  plugins: ServiceFindings[];
  /** Set when a service died or stopped being ready during the scenario. */
  stackProblem?: string | undefined;
  /** What Prometheus saw during the scenario (undefined when it ran without Prometheus). */
  metrics?: ScenarioMetrics | undefined;
}

/** k6 exit codes: 0 all thresholds held, 99 some failed; anything else means k6 itself failed. */
const K6_THRESHOLDS_FAILED = 99;
/** The loosest error budget of any service: more unintended answers than this means broken. */
export const BROKEN_UNEXPECTED_PERCENT = Math.max(
  ...SERVICE_NAMES.map((n) => SERVICES[n].slo.errorRatePercent),
);

export interface ScenarioOutcome extends ResultBlock {
  status: ScenarioReport['status'];
  problems: string[];
}

/** The result block and the verdict: broken (k6 failed, stack broke, wrong answers) or thresholds. */
export function scenarioReport(run: ScenarioRun): ScenarioOutcome {
  const { k6 } = run;
  const block = resultBlock(k6.samples, (k6.endedMs - k6.startedMs) / 1000);
  const broken: string[] = [];
  if (run.stackProblem) broken.push(run.stackProblem);
  if (k6.exitCode !== 0 && k6.exitCode !== K6_THRESHOLDS_FAILED)
    broken.push(`k6 exited with code ${k6.exitCode}: ${lastLines(k6.output)}`);
  if (block.total_requests === 0) broken.push('no request was made');
  const unexpectedPercent = block.total_requests === 0 ? 0 : (block.unexpected / block.total_requests) * 100;
  if (unexpectedPercent > BROKEN_UNEXPECTED_PERCENT)
    broken.push(
      `${block.unexpected} unintended answers (${unexpectedPercent.toFixed(1)} %, more than ${BROKEN_UNEXPECTED_PERCENT} %)`,
    );
  const missed = k6.thresholds
    .filter((t) => !t.ok)
    .map((t) => `${t.metric} ${t.expression} (was ${fmt(t.value)})`);
  const status = broken.length > 0 ? 'broken' : missed.length > 0 ? 'thresholds_failed' : 'passed';
  return { ...block, status, problems: [...broken, ...missed] };
}

const fmt = (v: number | undefined): string =>
  v === undefined ? 'no data' : String(Math.round(v * 100) / 100);

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ').slice(0, 400);
}

/** Transactions whose first step started while the scenario ran (plus a grace for stragglers). */
function inWindow(txns: readonly Transaction[], k6: K6Result): Transaction[] {
  return txns.filter((t) => {
    const { startMs } = wallTime(t);
    return startMs >= k6.startedMs - 1000 && startMs <= k6.endedMs;
  });
}

export interface AssembleInput {
  runs: readonly ScenarioRun[];
  demoScale: number;
  startedMs: number;
  endedMs: number;
  logDir: string;
  services: { service: string; url: string; version: string }[];
  /** Where the run's traces are kept (Jaeger's badger store), or null when it ran untraced. */
  traceStore: string | null;
  /** The demo's Prometheus URL (gone after the run; the numbers are in each scenario). */
  prometheus: string | null;
  machine: { cpus: number; load_average: number[] };
}

const SLOWEST_PER_SCENARIO = 3;
const SLOWEST_OVERALL = 10;

export function assembleReport(input: AssembleInput): DemoReport {
  const all = toTransactions(readAuditLogs(input.logDir));
  const scenarios = input.runs.map((run) => scenarioSection(run, inWindow(all, run.k6)));
  const ranked = rankBottlenecks(scenarios.flatMap((s) => s.bottlenecks));
  const samples = input.runs.flatMap((r) => r.k6.samples);
  const total = resultBlock(samples, 0);
  return demoReportSchema.parse({
    report: 'mmf_demo_report',
    schema_version: 1,
    test_execution_timestamp: new Date(input.startedMs).toISOString(),
    demo: {
      demo_scale: input.demoScale,
      duration_s: Math.round((input.endedMs - input.startedMs) / 100) / 10,
      services: input.services,
      trace_store: input.traceStore,
      prometheus: input.prometheus,
      thresholds: {
        latency_ms: ANALYTICS_LATENCY_THRESHOLD_MS,
        critical_latency_ms: 2 * ANALYTICS_LATENCY_THRESHOLD_MS,
        error_rate_percent: ANALYTICS_ERROR_THRESHOLD_PERCENT,
      },
      machine: input.machine,
    },
    load_test_summary: {
      total_requests: total.total_requests,
      successful: total.successful,
      failed: total.failed,
      overall_success_rate_percent: total.success_rate_percent,
      average_response_time_ms: total.average_response_time_ms,
      p95_response_time_ms: total.p95_response_time_ms,
      max_response_time_ms: total.max_response_time_ms,
      scenarios_run: scenarios.length,
      scenarios_broken: scenarios.filter((s) => s.status === 'broken').length,
    },
    scenarios,
    performance_analysis: {
      bottleneck_analysis: { bottlenecks_found: ranked.length, critical_services: ranked },
      error_analysis: { error_patterns: scenarios.flatMap((s) => s.error_patterns) },
      recommendations: recommendations(
        ranked,
        scenarios.map((s) => ({ scenario: s.name, failedPercent: 100 - s.success_rate_percent })),
      ),
    },
    slowest_transactions: scenarios
      .flatMap((s) => s.slowest)
      .sort((a, b) => b.duration_ms - a.duration_ms)
      .slice(0, SLOWEST_OVERALL),
  });
}

function scenarioSection(
  run: ScenarioRun,
  txns: Transaction[],
): ScenarioReport & { slowest: DemoReport['slowest_transactions'] } {
  const { planned, k6 } = run;
  const outcome = scenarioReport(run);
  const times = serviceTimes(txns);
  return {
    key: planned.key,
    name: planned.name,
    description: planned.description,
    expectation: planned.expectation,
    load_scale: run.loadScale,
    k6_exit_code: k6.exitCode,
    ...outcome,
    thresholds: k6.thresholds.map((t) => ({ ...t, ...(t.value === undefined ? {} : { value: t.value }) })),
    findings: k6.findings,
    by_service: byTarget(k6.samples),
    timeline: timeline(k6.samples, k6.startedMs),
    transactions: txns.length,
    service_times: times,
    bottlenecks: bottlenecks(planned.name, times),
    error_patterns: errorPatterns(planned.name, txns),
    plugin_findings: run.plugins,
    prometheus: run.metrics ?? null,
    slowest: slowestTransactions(planned.name, txns, SLOWEST_PER_SCENARIO),
  };
}

/** reports/mmf_demo_report_YYYYMMDD_HHMMSS.json (local time, as the document names it). */
export function reportBaseName(at: Date): string {
  return timestampedName('mmf_demo_report', at);
}

export function writeReport(report: DemoReport, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${reportBaseName(new Date(report.test_execution_timestamp))}.json`);
  // The per-scenario "slowest" lists are folded into slowest_transactions; zod strips them.
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  return relative(ROOT, path) || path;
}
