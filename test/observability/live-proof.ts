// The live proof (make observe-test): the five services as real processes, a real Prometheus scraping
// them with the ServiceMonitor's target labels and loading dist/rules, a short k6 run with injected
// faults (load/probes/observability.ts) and one crashed saga. Then EVERY dashboard query (variables
// substituted) and EVERY rule runs through Prometheus's HTTP API:
//   - each executes without error;
//   - each query on the services' own series returns data (an alert's condition may be empty: healthy);
//   - every rule evaluates healthy, and HighErrorRate goes pending for inventory while 5xx are injected;
//   - queries on cluster-only series (kube-state-metrics, cAdvisor, Istio) are listed, not judged.
// Writes reports/observe-live-proof.json; exits 1 on any failure.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SERVICE_NAMES, type ServiceName } from '../../catalog/index.ts';
import {
  ROOT,
  startPrometheus,
  stackTargets,
  type RunningPrometheus,
} from '../../tools/observe/prometheus.ts';
import { Stack } from '../../tools/stack/stack.ts';
import { freePorts } from '../support/ports.ts';
import { crashOneSaga } from './crash-saga.ts';
import { dashboardQueries, ruleQueries, type ShippedQuery } from './inventory.ts';
import {
  checkLabelValues,
  checkQuery,
  knownMetrics,
  withGrafanaIntervals,
  type Origin,
} from './promql-names.ts';

const K6 = join(ROOT, 'bin', 'k6');
const RULES_DIR = join(ROOT, 'dist', 'rules');
const LOAD_SECONDS = Number(process.env.OBSERVE_SECONDS ?? 20);
/** Grafana's variables as a user sees the dashboard: namespace petstore, All services and versions. */
const VARIABLES: Readonly<Record<string, string>> = { namespace: 'petstore', service: '.*', version: '.*' };
/** The alert that must go pending while the probe injects inventory 5xx. */
const ERROR_ALERT = { alert: 'HighErrorRate', service: 'inventory' } as const;

export interface Verdict {
  readonly source: string;
  /** An alerting rule: its condition is empty while all is well, so only errors count. */
  readonly alert: boolean;
  readonly expr: string;
  readonly origin: Origin;
  readonly series: number;
  readonly error?: string;
}

function substitute(expr: string, rangeSeconds: number): string {
  let out = withGrafanaIntervals(expr, { rate: '15s', range: `${rangeSeconds}s` });
  for (const [name, value] of Object.entries(VARIABLES)) out = out.replaceAll(`$${name}`, value);
  return out;
}

/** Where a query's data comes from: any cluster series makes it cluster-only. */
function originOf(q: ShippedQuery, known: ReturnType<typeof knownMetrics>): Origin {
  const names = q.kind === 'variable' ? checkLabelValues(q.expr, known) : checkQuery(q.expr, known);
  const origins = new Set(names.metrics.map((m) => known.get(m)?.origin ?? 'cluster'));
  return origins.has('cluster') ? 'cluster' : origins.has('service') ? 'service' : 'prometheus';
}

/** Grafana's `label_values(selector, label)` as the PromQL Prometheus answers it with. */
function asPromQL(q: ShippedQuery): string {
  const m = /^label_values\((.*),\s*(\w+)\)$/.exec(q.expr);
  return m ? `group by (${m[2]}) (${m[1]})` : q.expr;
}

async function evaluate(prom: RunningPrometheus, startedSec: number): Promise<Verdict[]> {
  const known = knownMetrics();
  const end = Math.floor(Date.now() / 1000);
  const range = end - startedSec;
  const all = [...dashboardQueries(), ...ruleQueries()];
  return Promise.all(
    all.map(async (q) => {
      const expr = substitute(asPromQL(q), range);
      const origin = originOf(q, known);
      const alert = q.kind === 'alert';
      try {
        // Panels run as Grafana runs them (a range over the run); variables and rules at an instant.
        const series =
          q.kind === 'panel'
            ? (await prom.queryRange(expr, startedSec, end, 2)).length
            : (await prom.query(expr)).length;
        return { source: q.source, alert, expr, origin, series };
      } catch (err) {
        return { source: q.source, alert, expr, origin, series: 0, error: (err as Error).message };
      }
    }),
  );
}

function runK6(stack: Stack): Promise<number> {
  const urls = Object.fromEntries(
    SERVICE_NAMES.map((s) => [`${s.toUpperCase().replace(/-/g, '_')}_URL`, stack.url(s)]),
  );
  const child = spawn(
    K6,
    [
      'run',
      '--quiet',
      '--summary-mode=disabled',
      '--log-output=none',
      join(ROOT, 'load/probes/observability.ts'),
    ],
    {
      env: { ...process.env, ...urls, OBSERVE_SECONDS: String(LOAD_SECONDS), K6_NO_USAGE_REPORT: 'true' },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

/** Polls the rules while k6 runs: when did the error alert first go pending (or firing)? */
async function watchErrorAlert(prom: RunningPrometheus, running: () => boolean): Promise<string | undefined> {
  while (running()) {
    const rules = await prom.rules().catch(() => []);
    const rule = rules.find(
      (r) => r.name === ERROR_ALERT.alert && r.query.includes(`service="${ERROR_ALERT.service}"`),
    );
    if (rule?.state === 'pending' || rule?.state === 'firing') return rule.state;
    await sleep(1000);
  }
  return undefined;
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const ports = await freePorts(SERVICE_NAMES.length + 1);
  const runDir = mkdtempSync(join(tmpdir(), 'mmf-observe-'));
  const stack = new Stack({
    runDir,
    ports: Object.fromEntries(SERVICE_NAMES.map((s, i) => [s, ports[i]])) as Record<ServiceName, number>,
    // Recovery may take over a crashed saga after 1 s (default 30 s), and looks every second.
    serviceEnv: { order: { SAGA_LEASE_MS: '1000', SAGA_RECOVERY_INTERVAL_MS: '1000' } },
  });
  const ruleFiles = readdirSync(RULES_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(RULES_DIR, f));
  let prom: RunningPrometheus | undefined;
  try {
    // Prometheus starts with the stack and waits until it has scraped every service once.
    [prom] = await Promise.all([
      startPrometheus({
        targets: stackTargets(stack),
        port: ports.at(-1),
        ruleFiles,
        readyTimeoutMs: 120_000,
      }),
      stack.up(),
    ]);
    const secondsSince = (t: number) => `${((Date.now() - t) / 1000).toFixed(1)} s`;
    const upIn = secondsSince(t0);
    console.log(`live proof: stack and Prometheus (${prom.url}) up in ${upIn}; k6 for ${LOAD_SECONDS} s`);
    const t1 = Date.now();
    const started = Math.floor(t1 / 1000);
    let k6Done = false;
    const k6 = runK6(stack).finally(() => (k6Done = true));
    const [k6Exit, alertState, saga] = await Promise.all([
      k6,
      watchErrorAlert(prom, () => !k6Done),
      // Halfway through: after the probe's checkout burst (at 3 s), which needs order up.
      crashOneSaga(stack, (LOAD_SECONDS * 1000) / 2),
    ]);
    const loadFor = secondsSince(t1);
    const t2 = Date.now();
    await prom.waitForRuleEvaluation(Date.now() + 2000);
    const verdicts = await evaluate(prom, started);
    const rules = await prom.rules();
    const timings = `stack + Prometheus ${upIn}, load ${loadFor}, queries ${secondsSince(t2)}`;
    return report({ t0, k6Exit, alertState, saga, timings, verdicts, rules });
  } finally {
    await prom?.stop();
    await stack.down();
    rmSync(runDir, { recursive: true, force: true });
  }
}

function report(r: {
  t0: number;
  k6Exit: number;
  alertState: string | undefined;
  saga: { recovered: boolean; note: string };
  timings: string;
  verdicts: Verdict[];
  rules: Awaited<ReturnType<RunningPrometheus['rules']>>;
}): number {
  const failures: string[] = [];
  const errors = r.verdicts.filter((v) => v.error);
  for (const v of errors) failures.push(`query failed: ${v.source}: ${v.error}`);
  const empty = r.verdicts.filter((v) => !v.error && v.origin === 'service' && v.series === 0 && !v.alert);
  for (const v of empty) failures.push(`no data: ${v.source}: ${v.expr}`);
  const unhealthy = r.rules.filter((rule) => rule.health !== 'ok');
  for (const rule of unhealthy) failures.push(`rule ${rule.name} is ${rule.health}: ${rule.lastError ?? ''}`);
  if (!r.alertState)
    failures.push(
      `${ERROR_ALERT.alert} for ${ERROR_ALERT.service} never went pending while 5xx were injected`,
    );
  if (r.k6Exit !== 0) failures.push(`k6 exited ${r.k6Exit}`);
  if (!r.saga.recovered) failures.push(r.saga.note);

  const count = (o: Origin) => r.verdicts.filter((v) => v.origin === o);
  const cluster = count('cluster');
  console.log(
    `\nlive proof: ${r.verdicts.length} queries (${dashboardQueries().length} dashboard, ${ruleQueries().length} rules) through the HTTP API`,
  );
  console.log(
    `  services' own series: ${count('service').length} queries, ${count('service').filter((v) => v.series > 0).length} with data`,
  );
  console.log(`  Prometheus series (up, ALERTS): ${count('prometheus').length} queries, executed`);
  console.log(`  rules: ${r.rules.length} evaluated, ${r.rules.length - unhealthy.length} healthy`);
  console.log(
    `  ${ERROR_ALERT.alert}{service="${ERROR_ALERT.service}"} while 5xx were injected: ${r.alertState ?? 'never pending'}`,
  );
  console.log(`  crashed saga: ${r.saga.note}`);
  console.log(`  time: ${r.timings}`);
  console.log(`  cluster-only (executed, data only in a cluster): ${cluster.length} queries`);
  for (const v of cluster) console.log(`    - ${v.source}`);
  mkdirSync(join(ROOT, 'reports'), { recursive: true });
  writeFileSync(
    join(ROOT, 'reports', 'observe-live-proof.json'),
    JSON.stringify({ alertState: r.alertState, saga: r.saga, failures, verdicts: r.verdicts }, null, 2),
  );
  const seconds = ((Date.now() - r.t0) / 1000).toFixed(1);
  if (failures.length) {
    console.error(`\nlive proof FAILED (${seconds} s):\n  ${failures.join('\n  ')}`);
    return 1;
  }
  console.log(`\nlive proof passed in ${seconds} s (details: reports/observe-live-proof.json)`);
  return 0;
}

process.exitCode = await main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  return 1;
});
