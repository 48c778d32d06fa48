// `make demo`: starts the local stack in its own run directory (.run/demo, fresh data every run), runs
// the planned k6 scenarios one after another with live progress, collects every service's
// transaction analytics after each, analyses the audit trail across services, writes the JSON report
// and stops everything it started, also on Ctrl-C.
import { type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { basename, join, relative } from 'node:path';
import { SERVICE_NAMES } from '../../catalog/index.ts';
import { ROOT, Stack } from '../stack/stack.ts';
import { isUp, JAEGER_BIN, JAEGER_PORTS, startJaeger, type LocalJaeger } from '../trace/jaeger.ts';
import {
  startPrometheus,
  stackTargets,
  PROMETHEUS_BIN,
  type RunningPrometheus,
} from '../observe/prometheus.ts';
import { writeHtml } from './html/page.ts';
import { scenarioMetrics } from './metrics.ts';
import { collectAnalytics, resetAnalytics, type AnalyticsReport } from './analytics.ts';
import * as out from './console.ts';
import { inspectScript, runK6, type K6Result } from './k6.ts';
import type { PlannedScenario } from './plan.ts';
import { assembleReport, scenarioReport, writeReport, type ScenarioRun } from './report.ts';

/** The demo's Prometheus listens here (not 9090, so a `make observe` Prometheus can run beside it). */
export const DEMO_PROMETHEUS_PORT = 9095;
/** Scrape interval (and timeout): a busy service on 2 cores can take over a second to answer /metrics. */
const SCRAPE_SECONDS = 2;
/** Wait this long after a scenario before querying, so its last seconds are scraped. */
const SCRAPE_SETTLE_MS = SCRAPE_SECONDS * 1000 + 1500;

export interface DemoOptions {
  scenarios: readonly PlannedScenario[];
  demoScale: number;
  /** Where the reports go (default reports/). */
  reportDir: string;
  /** Services' data, logs and k6 output (default .run/demo). */
  runDir: string;
}

export interface DemoResult {
  exitCode: number;
  jsonPath?: string | undefined;
}

/** Per-process state an interrupt needs to clean up. */
const running: {
  k6?: ChildProcess | undefined;
  stack?: Stack | undefined;
  jaeger?: LocalJaeger | undefined;
  prometheus?: RunningPrometheus | undefined;
  stopping?: Promise<void>;
} = {};

/** Stops k6, Prometheus, the services (they flush their spans on SIGTERM), then Jaeger. Idempotent. */
async function stopAll(): Promise<void> {
  running.k6?.kill('SIGINT');
  running.stopping ??= (async () => {
    await running.prometheus?.stop();
    await running.stack?.down();
    await running.jaeger?.stop();
  })();
  await running.stopping;
}

function onInterrupt(signal: NodeJS.Signals): void {
  console.log(`\n${signal}: stopping k6 and the services...`);
  void stopAll().then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
}

export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const started = Date.now();
  out.banner();
  await refuseIfRunning(new Stack({ runDir: opts.runDir }));
  freshRunDir(opts.runDir);
  process.once('SIGINT', onInterrupt);
  process.once('SIGTERM', onInterrupt);
  try {
    running.jaeger = await startTraceStore(opts.runDir);
    const stack = new Stack({
      runDir: opts.runDir,
      env: running.jaeger ? { OTEL_EXPORTER_OTLP_ENDPOINT: running.jaeger.otlpUrl } : {},
    });
    running.stack = stack;
    console.log('\nStarting the services (fresh data in .run/demo)...');
    await stack.up();
    for (const n of stack.services)
      console.log(`   ${n.padEnd(11)} ${stack.url(n)}  pid ${stack.pid(n)}  ready`);
    const urls = Object.fromEntries(stack.services.map((n) => [n, stack.url(n)]));
    const services = await announcePlugins(urls);
    running.prometheus = await startMetrics(stack, opts.runDir);

    const runs: ScenarioRun[] = [];
    for (const planned of opts.scenarios) {
      const run = await runScenario(planned, opts, stack, urls);
      runs.push(run);
      if (run.stackProblem) break;
    }
    await addPrometheusViews(runs);
    await stopAll();
    const report = assembleReport({
      runs,
      demoScale: opts.demoScale,
      startedMs: started,
      endedMs: Date.now(),
      logDir: join(opts.runDir, 'logs'),
      services,
      traceStore: running.jaeger ? relative(ROOT, join(opts.runDir, 'jaeger')) : null,
      prometheus: running.prometheus ? running.prometheus.url : null,
      machine: { cpus: cpus().length, load_average: loadavg().map((l) => Math.round(l * 100) / 100) },
    });
    const jsonPath = writeReport(report, opts.reportDir);
    const htmlPath = jsonPath.replace(/\.json$/, '.html');
    writeHtml(report, join(ROOT, htmlPath), basename(jsonPath));
    printSummary(report, jsonPath, htmlPath, Date.now() - started);
    const broken = report.scenarios.filter((s) => s.status === 'broken').length;
    return { exitCode: broken > 0 || runs.length < opts.scenarios.length ? 1 : 0, jsonPath };
  } finally {
    await stopAll();
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
    running.stack = undefined;
    running.prometheus = undefined;
    running.jaeger = undefined;
    running.stopping = undefined;
  }
}

/** Prometheus scraping every service each second, when it is built (make tools); else none. */
async function startMetrics(stack: Stack, runDir: string): Promise<RunningPrometheus | undefined> {
  if (!existsSync(PROMETHEUS_BIN)) {
    console.log(`(no ${PROMETHEUS_BIN}: running without Prometheus; make demo builds it)`);
    return undefined;
  }
  const prom = await startPrometheus({
    targets: stackTargets(stack),
    port: DEMO_PROMETHEUS_PORT,
    intervalSeconds: SCRAPE_SECONDS,
    dataDir: join(runDir, 'prometheus'),
  });
  console.log(
    `📈 Prometheus scraping the ${stack.services.length} services every ${SCRAPE_SECONDS} s: ${prom.url}`,
  );
  return prom;
}

/** Jaeger (badger on disk in <runDir>/jaeger) when it is built; without it the demo runs untraced. */
async function startTraceStore(runDir: string): Promise<LocalJaeger | undefined> {
  if (!existsSync(JAEGER_BIN)) {
    console.log(`\n(no ${JAEGER_BIN}: running without traces; make demo builds it)`);
    return undefined;
  }
  const jaeger = await startJaeger({ dataDir: join(runDir, 'jaeger') });
  console.log(`\n🔎 Jaeger all-in-one storing traces in .run/demo/jaeger (UI and API: ${jaeger.queryUrl})`);
  return jaeger;
}

async function refuseIfRunning(stack: Stack): Promise<void> {
  for (const n of stack.services) {
    const h = await stack.health(n);
    if (h.status !== 'stopped')
      throw new Error(
        `something already listens on ${stack.url(n)} (${n}): stop it first (make down), the demo starts its own services`,
      );
  }
  if (await isUp(`http://127.0.0.1:${JAEGER_PORTS.query}`))
    throw new Error(
      `a Jaeger already answers on 127.0.0.1:${JAEGER_PORTS.query}: stop it first, the demo starts its own`,
    );
}

/** Fresh service data and logs every run; the initialised PGlite template is kept (initdb is slow). */
function freshRunDir(runDir: string): void {
  for (const n of SERVICE_NAMES) rmSync(join(runDir, 'data', n), { recursive: true, force: true });
  for (const d of ['logs', 'pids', 'k6', 'jaeger', 'prometheus'])
    rmSync(join(runDir, d), { recursive: true, force: true });
  mkdirSync(join(runDir, 'k6'), { recursive: true });
}

/** Asks every service for its analytics plugin (and version); prints the document's plugin lines. */
async function announcePlugins(urls: Record<string, string>): Promise<ServiceInfo[]> {
  const answers = await Promise.all(
    Object.entries(urls).map(async ([service, url]) => {
      const res = await fetch(`${url}/analytics/report`, { signal: AbortSignal.timeout(5000) });
      if (!res.ok) throw new Error(`${service}: GET /analytics/report answered ${res.status}`);
      const version = res.headers.get('x-service-version') ?? 'unknown';
      return { info: { service, url, version }, report: (await res.json()) as AnalyticsReport };
    }),
  );
  const first = answers[0]?.report;
  if (first)
    out.pluginLine(
      first.plugin.version,
      answers.length,
      first.thresholds.latency_ms,
      first.thresholds.error_rate_percent,
    );
  return answers.map((a) => a.info);
}

interface ServiceInfo {
  service: string;
  url: string;
  version: string;
}

async function runScenario(
  planned: PlannedScenario,
  opts: DemoOptions,
  stack: Stack,
  urls: Record<string, string>,
): Promise<ScenarioRun> {
  const full = inspectScript(planned.key, { ...planned.env, LOAD_SCALE: '1' });
  const loadScale = Math.min(100, (planned.seconds * opts.demoScale) / full.seconds);
  const env = { ...planned.env, LOAD_SCALE: String(loadScale), LOAD_RATE_SCALE: '1' };
  const scaled = inspectScript(planned.key, env);
  out.scenarioStart(planned, scaled.perSecond, scaled.seconds);
  await resetAnalytics(urls);
  const k6: K6Result = await runK6({
    key: planned.key,
    env,
    outDir: join(opts.runDir, 'k6'),
    onProgress: (samples, elapsed) => out.progress(samples, elapsed, scaled.seconds),
    onChild: (c) => (running.k6 = c),
  });
  out.progressDone();
  const stackProblem = await stackHealth(stack);
  const plugins = stackProblem ? [] : await collectAnalytics(urls);
  const run: ScenarioRun = { planned, loadScale, k6, plugins, stackProblem };
  const s = scenarioReport(run);
  out.resultBlock(planned.name, s, s.status, s.problems);
  return run;
}

/** Adds what Prometheus saw during each scenario, once the last one's final seconds are scraped. */
async function addPrometheusViews(runs: ScenarioRun[]): Promise<void> {
  const prom = running.prometheus;
  const last = runs[runs.length - 1];
  if (!prom || !last) return;
  await sleep(Math.max(0, last.k6.endedMs + SCRAPE_SETTLE_MS - Date.now()));
  for (const run of runs)
    run.metrics = await scenarioMetrics(prom, run.k6.startedMs, run.k6.endedMs, SCRAPE_SECONDS);
}

/** A problem with the stack after a scenario (a service died or is not ready), or undefined. */
async function stackHealth(stack: Stack): Promise<string | undefined> {
  const down: string[] = [];
  for (const n of stack.services) {
    if (!stack.pid(n)) down.push(`${n} exited (log: ${stack.logFile(n)})`);
    else if (!(await stack.health(n)).ready) down.push(`${n} is not ready`);
  }
  return down.length > 0 ? down.join('; ') : undefined;
}

function printSummary(
  report: ReturnType<typeof assembleReport>,
  jsonPath: string,
  htmlPath: string,
  ms: number,
): void {
  out.section('📈 Performance analysis (exclusive time per service, from the audit trail)');
  const b = report.performance_analysis.bottleneck_analysis;
  console.log(`Bottlenecks found: ${b.bottlenecks_found}`);
  for (const c of b.critical_services)
    console.log(
      `   ${c.severity === 'high' ? '🚨' : '⚠️ '} ${c.scenario}: ${c.service} ${c.average_response_time_ms.toFixed(0)} ms own time per transaction (${c.operations
        .slice(0, 3)
        .map((o) => `${o.operation} ${o.average_own_time_ms.toFixed(0)}`)
        .join(', ')}) — ${c.impact}`,
    );
  console.log('Recommendations:');
  for (const r of report.performance_analysis.recommendations) console.log(`   • ${r}`);
  const s = report.load_test_summary;
  console.log(
    `\nTotal: ${s.total_requests} requests, ${s.overall_success_rate_percent}% successful, avg ${s.average_response_time_ms} ms, p95 ${s.p95_response_time_ms} ms; ${s.scenarios_run} scenarios (${s.scenarios_broken} broken) in ${(ms / 1000).toFixed(0)} s`,
  );
  console.log(`📄 JSON report: ${jsonPath}`);
  console.log(`📊 HTML report: ${htmlPath}`);
  const slowest = report.slowest_transactions[0];
  if (slowest)
    console.log(`🔎 The slowest transaction, step by step: make trace ID=${slowest.correlation_id}`);
}
