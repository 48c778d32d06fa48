// `make chaos`: the local stack (its own run directory and free ports, fresh data), a snapshot of what
// the audit compares against, then the checkout load (k6, load/probes/chaos.ts) while a chaos loop
// SIGKILLs a random order, payment or inventory process every few seconds and restarts it; then every
// service is brought back, the orders get the recovery window to finish, and the audit reads every
// service and checks the invariants (audit.ts). Writes reports/chaos_<YYYYMMDD_HHMMSS>.json.
import { rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SERVICE_NAMES, type ServiceName } from '../../catalog/index.ts';
import { freePorts } from '../lib/ports.ts';
import { ROOT, Stack } from '../stack/stack.ts';
import { audit, type Snapshot } from './audit.ts';
import { clientAnswers, readKeyLines, startK6, summarizeLoad } from './load.ts';
import { readSnapshot, waitTerminal, type ServiceUrls } from './reader.ts';
import { writeReport, type ChaosReport } from './report.ts';
import { VICTIMS, victims } from './victims.ts';

export const K6_BIN = join(ROOT, 'bin', 'k6');

export interface ChaosOptions {
  seconds: number;
  minKills: number;
  killEverySeconds: number;
  ratePerSecond: number;
  recoveryWindowSeconds: number;
  reportDir: string;
  runDir: string;
}

/** Defaults for a run of `seconds`: >= 10 kills in 2 minutes, >= 3 in 30 s, one every ~s/(kills+2). */
export function plan(
  seconds: number,
  env: NodeJS.ProcessEnv = {},
): Omit<ChaosOptions, 'reportDir' | 'runDir'> {
  const minKills = Number(env.CHAOS_MIN_KILLS ?? Math.max(3, Math.floor(seconds / 12)));
  return {
    seconds,
    minKills,
    killEverySeconds: Number(env.CHAOS_KILL_EVERY_S ?? (seconds / (minKills + 2)).toFixed(1)),
    ratePerSecond: Number(env.CHAOS_RATE ?? 6),
    recoveryWindowSeconds: Number(env.CHAOS_RECOVERY_SECONDS ?? 60),
  };
}

/**
 * Timings that make crashes recover within seconds instead of minutes (the defaults suit
 * production): saga leases, the in-flight hold of a key, stale payments, circuit half-open.
 */
export const SERVICE_ENV: Readonly<Record<string, string>> = {
  LATENCY_SCALE: '0.25',
  IDEMPOTENCY_LEASE_MS: '3000',
  CIRCUIT_HALF_OPEN_MS: '1000',
  SAGA_LEASE_MS: '4000',
  SAGA_RECOVERY_INTERVAL_MS: '1000',
  PAYMENT_STALE_MS: '10000',
};

type Kill = ChaosReport['kills'][number];

/** kill -9 of one service, then its restart; resolves once it is ready again (or could not be). */
async function killAndRestart(
  stack: Stack,
  service: ServiceName,
  pid: number,
  startedMs: number,
): Promise<Kill> {
  const killedMs = Date.now();
  stack.kill(service);
  await sleep(200 + Math.random() * 800);
  let restarted: number | null = null;
  let readyMs: number | null = null;
  try {
    restarted = stack.start(service);
    await stack.waitReady(service, 60_000);
    readyMs = Date.now() - killedMs;
  } catch (err) {
    console.error(`   ${service} did not come back: ${(err as Error).message}`);
  }
  console.log(
    `   💥 ${((killedMs - startedMs) / 1000).toFixed(1).padStart(5)} s  kill -9 ${service} (pid ${pid})` +
      (readyMs === null ? '  NOT RESTARTED' : `, ready again after ${(readyMs / 1000).toFixed(1)} s`),
  );
  const at_s = Math.round((killedMs - startedMs) / 100) / 10;
  return { at_s, service, pid, restarted_pid: restarted, ready_after_ms: readyMs };
}

/**
 * Kills a victim every killEverySeconds (+-20 %) until `until`, on schedule whatever a restart takes
 * on a busy machine: a service still restarting is skipped for the next running one (so two may be
 * down at once). Resolves with every kill once the last restarted service is ready.
 */
async function chaosLoop(
  stack: Stack,
  opts: ChaosOptions,
  startedMs: number,
  until: number,
): Promise<Kill[]> {
  const pending: Promise<Kill>[] = [];
  const restarting = new Set<ServiceName>();
  const next = victims();
  const period = opts.killEverySeconds * 1000;
  for (let k = 1; ; k++) {
    const at = startedMs + k * period + (Math.random() - 0.5) * 0.4 * period;
    if (at > until) break;
    await sleep(Math.max(0, at - Date.now()));
    let service = next.next().value as ServiceName;
    for (let tries = 0; restarting.has(service) && tries < VICTIMS.length; tries++)
      service = next.next().value as ServiceName;
    const pid = stack.pid(service);
    if (restarting.has(service) || !pid) continue;
    restarting.add(service);
    pending.push(killAndRestart(stack, service, pid, startedMs).finally(() => restarting.delete(service)));
  }
  return Promise.all(pending);
}

/** Every service running and ready (a victim that did not come back is started once more). */
async function ensureUp(stack: Stack, problems: string[]): Promise<void> {
  for (const n of stack.services) {
    if (stack.pid(n) && (await stack.health(n)).ready) continue;
    try {
      if (!stack.pid(n)) stack.start(n);
      await stack.waitReady(n, 60_000);
    } catch (err) {
      problems.push(`${n} is not running after the load: ${(err as Error).message.split('\n')[0]}`);
    }
  }
}

export async function runChaos(opts: ChaosOptions): Promise<{ report: ChaosReport; path: string }> {
  const started = new Date();
  // Fresh service data every run; the initialised PGlite template is kept (initdb is slow).
  for (const n of SERVICE_NAMES) rmSync(join(opts.runDir, 'data', n), { recursive: true, force: true });
  for (const d of ['logs', 'pids', 'k6']) rmSync(join(opts.runDir, d), { recursive: true, force: true });
  await mkdir(join(opts.runDir, 'k6'), { recursive: true });
  const ports = await freePorts(SERVICE_NAMES.length);
  const stack = new Stack({
    runDir: opts.runDir,
    ports: Object.fromEntries(SERVICE_NAMES.map((n, i) => [n, ports[i]])),
    // Every service a checkout touches (the storefront too); ml-advisor is not one.
    services: ['inventory', 'payment', 'order', 'petstore'],
    // Fresh data: no saga to recover at start, so nobody needs its callees up first.
    allAtOnce: true,
    env: SERVICE_ENV,
    readyTimeoutMs: 90_000,
  });
  const urls: ServiceUrls = {
    order: stack.url('order'),
    payment: stack.url('payment'),
    inventory: stack.url('inventory'),
  };
  const stopOnSignal = () => void stack.down().then(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  try {
    console.log(`Starting the services in ${opts.runDir} (fresh data)...`);
    await stack.up();
    console.log(
      `   ${stack.services.length} services ready after ${((Date.now() - started.getTime()) / 1000).toFixed(1)} s`,
    );
    const before = await readSnapshot(urls);
    const problems: string[] = [];
    console.log(
      `Load: ${opts.ratePerSecond} orders/s for ${opts.seconds} s; kill -9 of ${VICTIMS.join(', ')} about every ${opts.killEverySeconds} s`,
    );
    const loadStarted = Date.now();
    const k6 = startK6({
      k6: K6_BIN,
      root: ROOT,
      outDir: join(opts.runDir, 'k6'),
      env: {
        CHAOS_SECONDS: String(opts.seconds),
        CHAOS_RATE: String(opts.ratePerSecond),
        ...Object.fromEntries(
          SERVICE_NAMES.map((n) => [`${n.toUpperCase().replace(/-/g, '_')}_URL`, stack.url(n)]),
        ),
      },
    });
    const kills = await chaosLoop(stack, opts, loadStarted, loadStarted + opts.seconds * 1000);
    const k6Exit = await k6.exited;
    await ensureUp(stack, problems);
    console.log(
      `Load done (${((Date.now() - loadStarted) / 1000).toFixed(0)} s); waiting for every order to finish...`,
    );
    const terminalMs = await waitTerminal(urls, opts.recoveryWindowSeconds * 1000);
    const after = await readSnapshot(urls);
    const report = assemble({
      opts,
      started,
      before,
      after,
      k6Exit,
      logFile: k6.logFile,
      kills,
      terminalMs,
      problems,
    });
    return { report, path: await writeReport(opts.reportDir, report) };
  } finally {
    process.off('SIGINT', stopOnSignal);
    await stack.down();
  }
}

interface RunFacts {
  opts: ChaosOptions;
  started: Date;
  before: Snapshot;
  after: Snapshot;
  k6Exit: number;
  logFile: string;
  kills: Kill[];
  terminalMs: number | undefined;
  problems: string[];
}

/** The audit of what the services hold, against the snapshot and what the clients were told, as a report. */
function assemble(f: RunFacts): ChaosReport {
  const { opts, problems } = f;
  const lines = readKeyLines(f.logFile);
  const result = audit({
    before: {
      stock: f.before.stock,
      order_ids: f.before.orders.map((o) => o.order_id),
      payment_ids: f.before.payments.map((p) => p.payment_id),
    },
    after: f.after,
    answers: clientAnswers(lines),
  });
  if (f.k6Exit !== 0) problems.push(`k6 exited with ${f.k6Exit} (log: ${f.logFile})`);
  if (f.kills.length < opts.minKills)
    problems.push(`only ${f.kills.length} kills, fewer than ${opts.minKills}`);
  if (f.kills.some((k) => k.ready_after_ms === null)) problems.push('a killed service did not come back');
  if (lines.length === 0) problems.push(`k6 logged no answers (${f.logFile})`);
  return {
    target: 'local',
    started_at: f.started.toISOString(),
    duration_s: Math.round((Date.now() - f.started.getTime()) / 100) / 10,
    passed: result.violations.length === 0 && problems.length === 0,
    config: {
      chaos_seconds: opts.seconds,
      kill_every_s: opts.killEverySeconds,
      min_kills: opts.minKills,
      recovery_window_s: opts.recoveryWindowSeconds,
      order_rate_per_s: opts.ratePerSecond,
      victims: [...VICTIMS],
      service_env: { ...SERVICE_ENV },
    },
    load: { ...summarizeLoad(lines), k6_exit_code: f.k6Exit },
    kills: f.kills,
    recovery: {
      window_s: opts.recoveryWindowSeconds,
      terminal_after_s: f.terminalMs === undefined ? null : Math.round(f.terminalMs / 100) / 10,
    },
    orders: result.orders,
    invariants: result.invariants,
    violations: result.violations,
    problems,
    machine: { cpus: cpus().length, load_average: loadavg().map((l) => Math.round(l * 100) / 100) },
  };
}

export function printSummary(report: ChaosReport, path: string): void {
  const l = report.load;
  if (l) {
    console.log(
      `\nLoad: ${l.keys} keys (${l.requests} POSTs: ${l.retried_keys} keys retried, ${l.replays} replayed, ${l.concurrent_duplicates} sent twice at once, ${l.unanswered} unanswered)`,
    );
    console.log(
      `Answers: ${Object.entries(l.answers)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')}`,
    );
  } else console.log('\nLoad: run separately (its answers are not part of this audit)');
  const byService = VICTIMS.map((v) => `${v} ${report.kills.filter((k) => k.service === v).length}`).join(
    ', ',
  );
  console.log(`Kills: ${report.kills.length} (${byService})`);
  const o = report.orders;
  const t = report.recovery.terminal_after_s;
  console.log(
    `Orders: ${o.audited} (${o.confirmed} confirmed, ${o.failed} failed, ${o.unfinished} unfinished); all terminal ${t === null ? `NOT within ${report.recovery.window_s} s` : `${t} s after the load`}`,
  );
  const failures = Object.entries(o.failures).sort((a, b) => b[1] - a[1]);
  console.log(`Failed orders by cause: ${failures.map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`);
  console.log('Invariants:');
  for (const i of report.invariants)
    console.log(
      `   ${i.violations === 0 ? '✅' : '❌'} ${i.name.padEnd(32)} ${i.checked} checked, ${i.violations} violations`,
    );
  for (const v of report.violations.slice(0, 20)) console.log(`   ❌ ${v.invariant}: ${v.message}`);
  if (report.violations.length > 20)
    console.log(`   ... ${report.violations.length - 20} more in the report`);
  for (const p of report.problems) console.log(`   ⚠️  ${p}`);
  console.log(`📄 ${path}`);
  console.log(report.passed ? 'PASSED: 0 violations' : 'FAILED');
}
