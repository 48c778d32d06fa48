// 3. End to end: orders/s the local stack sustains. Every service runs as its own process (as with
// `make up`: PGlite data directories, telemetry without an exporter, info logs to files) on free
// ports in a temporary run directory, LATENCY_SCALE=0 so the simulated fraud-check and bank delays
// vanish and only our own overhead is left. N clients post checkouts to the storefront
// (POST /orders -> order -> inventory reserve, payment charge, inventory commit).
// Where the time goes comes from each service's own /metrics (server and client duration histograms,
// scraped before and after) and from each process's CPU time in /proc.
// The same load runs once per backend: PGlite (each service's embedded database, the local default)
// and a real PostgreSQL server (as in a cluster; the store tests' throwaway server), whose own CPU is
// reported beside the services'.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { SERVICE_NAMES, SUPPLIES, type ServiceName } from '../catalog/index.ts';
import { Stack } from '../tools/stack/stack.ts';
import { freePorts } from '../test/support/ports.ts';
import { startPostgresServer, type PostgresServer } from '../test/support/postgres-server.ts';
import { load, type LoadResult } from './lib/load.ts';
import { profileAreas } from './lib/cpu-profile.ts';
import { cpuSeconds, rssMiB, treeCpuSeconds } from './lib/proc.ts';
import { delta, histogramSums, type Series } from './lib/prom.ts';
import { round, table } from './lib/stats.ts';

export const BACKENDS = ['pglite', 'postgres'] as const;
export type Backend = (typeof BACKENDS)[number];

export interface E2eOptions {
  backends: readonly Backend[];
  seconds: number;
  warmupSeconds: number;
  clients: number;
  /** Run the services under --cpu-prof and break their CPU time down by area of code (slower). */
  profile: boolean;
}

export interface RouteTime {
  service: ServiceName;
  route: string;
  requests: number;
  /** Mean server duration of one request. */
  meanMs: number;
  /** Server seconds on this route per confirmed order, in ms. */
  msPerOrder: number;
}

export interface CallTime {
  from: ServiceName;
  to: string;
  operation: string;
  calls: number;
  meanMs: number;
}

export interface ServiceTime {
  service: ServiceName;
  /** CPU time of the process per confirmed order. */
  cpuMsPerOrder: number;
  /** CPU seconds per wall second during the run (1.0 = one core busy all the time). */
  coresBusy: number;
  /** Server time per order minus the time its own outbound calls took: work done in this process. */
  ownMsPerOrder: number;
  rssMiB: number;
}

export interface E2eResult {
  backend: Backend;
  ordersPerSecond: number;
  confirmed: number;
  rejected: Record<string, number>;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  routes: RouteTime[];
  calls: CallTime[];
  services: ServiceTime[];
  bench: { coresBusy: number };
  /** CPU of all services per confirmed order. */
  totalCpuMsPerOrder: number;
  /** The PostgreSQL server's processes (postgres backend only). */
  database?: { cpuMsPerOrder: number; coresBusy: number };
  /** With profile: CPU ms per confirmed order, per service and area of code. */
  cpuByArea?: Record<string, Partial<Record<ServiceName, number>>>;
}

interface Snapshot {
  server: Map<ServiceName, Series[]>;
  client: Map<ServiceName, Series[]>;
  cpu: Map<ServiceName, number>;
  dbCpu?: number;
  benchCpu: number;
  at: number;
  /** Monotonic clock in µs, comparable with V8 profile timestamps. */
  monoUs: number;
}

const SETTLE_MS = 3000;

/** CPU counters and clocks now (taken when the load stops, before in-flight requests settle). */
function cpuNow(
  stack: Stack,
  dbPid?: number,
): Pick<Snapshot, 'cpu' | 'dbCpu' | 'benchCpu' | 'at' | 'monoUs'> {
  const cpu = new Map<ServiceName, number>();
  for (const name of stack.services) {
    const pid = stack.pid(name);
    if (pid) cpu.set(name, cpuSeconds(pid));
  }
  const usage = process.cpuUsage();
  return {
    cpu,
    ...(dbPid ? { dbCpu: treeCpuSeconds(dbPid) } : {}),
    benchCpu: (usage.user + usage.system) / 1e6,
    at: performance.now(),
    monoUs: Number(process.hrtime.bigint() / 1000n),
  };
}

async function snapshot(stack: Stack, dbPid?: number): Promise<Snapshot> {
  const server = new Map<ServiceName, Series[]>();
  const client = new Map<ServiceName, Series[]>();
  for (const name of stack.services) {
    const text = await (await fetch(`${stack.url(name)}/metrics`)).text();
    server.set(name, histogramSums(text, 'mmf_http_server_request_duration_seconds'));
    client.set(name, histogramSums(text, 'mmf_http_client_request_duration_seconds'));
  }
  return { server, client, ...cpuNow(stack, dbPid) };
}

function checkoutRequests() {
  let i = 0;
  return [
    {
      method: 'POST',
      path: '/orders',
      headers: { 'content-type': 'application/json' },
      // A different supply (5000 units each) per order, so stock lasts through any run.
      setupRequest: (req: { body?: string }) => {
        const sku = (SUPPLIES[i % SUPPLIES.length] as (typeof SUPPLIES)[number]).sku;
        req.body = JSON.stringify({
          customer_id: `bench-${i % 100}`,
          items: [{ product_id: sku, quantity: 1 }],
        });
        i++;
        return req;
      },
    },
  ];
}

export async function runEndToEnd(opts: E2eOptions): Promise<E2eResult[]> {
  const results: E2eResult[] = [];
  for (const backend of opts.backends) {
    let server: PostgresServer | undefined;
    try {
      if (backend === 'postgres') server = await startPostgresServer();
      results.push(await runOne(opts, backend, server));
    } finally {
      await server?.stop();
    }
  }
  return results;
}

/** The postmaster's pid (first line of postmaster.pid in the data directory). */
async function postmasterPid(server: PostgresServer): Promise<number> {
  const text = await readFile(join(server.dir, 'data', 'postmaster.pid'), 'utf8');
  return Number.parseInt(text, 10);
}

async function runOne(opts: E2eOptions, backend: Backend, server?: PostgresServer): Promise<E2eResult> {
  const ports = await freePorts(SERVICE_NAMES.length);
  const runDir = await mkdtemp(join(os.tmpdir(), 'mmf-bench-stack-'));
  // Spans are created (as with `make up`) but nothing is exported.
  const env: NodeJS.ProcessEnv = { LATENCY_SCALE: '0' };
  // One database shared by all services: their tables and migration records are prefixed per service.
  if (server) env.DATABASE_URL = server.adminUrl;
  const dbPid = server ? await postmasterPid(server) : undefined;
  const profileDir = join(runDir, 'profiles');
  if (opts.profile) env.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${profileDir}`;
  const stack = new Stack({
    runDir,
    ports: Object.fromEntries(SERVICE_NAMES.map((n, i) => [n, ports[i]])),
    env,
  });
  const savedEndpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  try {
    process.stdout.write(`e2e (${backend}): starting ${stack.services.join(', ')}\n`);
    await stack.up();
    const url = stack.url('petstore');
    const requests = checkoutRequests();
    process.stdout.write(
      `e2e (${backend}): warm-up ${opts.warmupSeconds} s, then ${opts.seconds} s with ${opts.clients} clients\n`,
    );
    await load({ url, connections: opts.clients, duration: opts.warmupSeconds, requests });
    // autocannon resolves at its deadline with requests still in flight: let them finish on both
    // sides of the window, so the server histograms count exactly the measured requests.
    await sleep(SETTLE_MS);
    const before = await snapshot(stack, dbPid);
    const run = await load({
      url,
      connections: opts.clients,
      duration: opts.seconds,
      requests,
    });
    const cpuAt = cpuNow(stack, dbPid);
    await sleep(SETTLE_MS);
    const after = { ...(await snapshot(stack, dbPid)), ...cpuAt };
    const result = summarise(backend, stack, run, before, after);
    if (opts.profile) {
      const pids = new Map(stack.services.map((n) => [n, stack.pid(n)]));
      await stack.down(); // profiles are written when the processes exit
      result.cpuByArea = await cpuByArea(profileDir, pids, before.monoUs, after.monoUs, result.confirmed);
    }
    return result;
  } finally {
    if (savedEndpoint !== undefined) process.env.OTEL_EXPORTER_OTLP_ENDPOINT = savedEndpoint;
    await stack.down();
    await rm(runDir, { recursive: true, force: true });
  }
}

async function cpuByArea(
  dir: string,
  pids: Map<ServiceName, number | undefined>,
  fromUs: number,
  toUs: number,
  orders: number,
): Promise<Record<string, Partial<Record<ServiceName, number>>>> {
  const files = await readdir(dir).catch(() => [] as string[]);
  const out: Record<string, Partial<Record<ServiceName, number>>> = {};
  for (const [name, pid] of pids) {
    const file = files.find((f) => pid !== undefined && f.includes(`.${pid}.`));
    if (!file) continue;
    for (const [a, ms] of Object.entries(await profileAreas(join(dir, file), fromUs, toUs))) {
      (out[a] ??= {})[name] = round(ms / orders, 2);
    }
  }
  return out;
}

function summarise(
  backend: Backend,
  stack: Stack,
  run: LoadResult,
  before: Snapshot,
  after: Snapshot,
): E2eResult {
  const wall = (after.at - before.at) / 1000;
  // Per-order figures divide by the checkouts the storefront served in the window (all answers).
  const front = delta(before.server.get('petstore') ?? [], after.server.get('petstore') ?? [], [
    'method',
    'route',
  ]).find((s) => s.labels.method === 'POST' && s.labels.route === '/orders');
  const orders = front?.count ?? run.ok;
  const perOrder = (seconds: number) => (orders ? (seconds * 1000) / orders : Number.NaN);
  const routes: RouteTime[] = [];
  const calls: CallTime[] = [];
  const services: ServiceTime[] = [];
  for (const name of stack.services) {
    const server = delta(before.server.get(name) ?? [], after.server.get(name) ?? [], ['method', 'route']);
    const client = delta(before.client.get(name) ?? [], after.client.get(name) ?? [], [
      'target',
      'operation',
    ]);
    for (const s of server) {
      routes.push({
        service: name,
        route: `${s.labels.method} ${s.labels.route}`,
        requests: s.count,
        meanMs: round((s.sum * 1000) / s.count, 2),
        msPerOrder: round(perOrder(s.sum), 2),
      });
    }
    for (const c of client) {
      calls.push({
        from: name,
        to: c.labels.target ?? '',
        operation: c.labels.operation ?? '',
        calls: c.count,
        meanMs: round((c.sum * 1000) / c.count, 2),
      });
    }
    const serverSum = server.reduce((a, s) => a + s.sum, 0);
    const clientSum = client.reduce((a, s) => a + s.sum, 0);
    const cpu = (after.cpu.get(name) ?? 0) - (before.cpu.get(name) ?? 0);
    const pid = stack.pid(name);
    services.push({
      service: name,
      cpuMsPerOrder: round(perOrder(cpu), 2),
      coresBusy: round(cpu / wall, 2),
      ownMsPerOrder: round(perOrder(serverSum - clientSum), 2),
      rssMiB: pid ? round(rssMiB(pid), 1) : Number.NaN,
    });
  }
  const rejected = Object.fromEntries(Object.entries(run.statuses).filter(([code]) => !code.startsWith('2')));
  const dbCpu =
    after.dbCpu !== undefined && before.dbCpu !== undefined ? after.dbCpu - before.dbCpu : undefined;
  return {
    backend,
    totalCpuMsPerOrder: round(
      services.reduce((a, s) => a + s.cpuMsPerOrder, 0),
      2,
    ),
    ...(dbCpu !== undefined
      ? { database: { cpuMsPerOrder: round(perOrder(dbCpu), 2), coresBusy: round(dbCpu / wall, 2) } }
      : {}),
    ordersPerSecond: round(run.ok / run.seconds, 1),
    confirmed: run.ok,
    rejected,
    errors: run.errors + run.timeouts,
    p50Ms: run.p50Ms,
    p99Ms: run.p99Ms,
    routes: routes.sort((a, b) => b.msPerOrder - a.msPerOrder),
    calls,
    services,
    bench: { coresBusy: round((after.benchCpu - before.benchCpu) / wall, 2) },
  };
}

/** One line per backend: throughput, outcome and CPU per order per service, in total and in the database. */
function backendTable(results: readonly E2eResult[]): string {
  const names = results[0]?.services.map((s) => s.service) ?? [];
  return (
    'CPU ms per confirmed order, per service and summed over the services (utime + stime from /proc)\n' +
    table(
      [
        'backend',
        'orders/s',
        'p50 ms',
        'p99 ms',
        'confirmed',
        'not conf.',
        'errors',
        ...names,
        'services',
        'db server',
      ],
      results.map((r) => [
        r.backend,
        r.ordersPerSecond,
        r.p50Ms,
        r.p99Ms,
        r.confirmed,
        Object.values(r.rejected).reduce((a, b) => a + b, 0),
        r.errors,
        ...names.map((n) => r.services.find((s) => s.service === n)?.cpuMsPerOrder ?? Number.NaN),
        r.totalCpuMsPerOrder,
        r.database ? r.database.cpuMsPerOrder : Number.NaN,
      ]),
    )
  );
}

function detailTables(r: E2eResult, clients: number): string {
  return [
    `[${r.backend}] ${r.ordersPerSecond} orders/s confirmed with ${clients} clients (p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms; ` +
      `${r.confirmed} confirmed, ${Object.values(r.rejected).reduce((a, b) => a + b, 0)} not confirmed, ${r.errors} errors)`,
    table(
      ['service', 'CPU ms/order', 'cores busy', 'own ms/order', 'RSS MiB'],
      [
        ...r.services.map((s) => [s.service, s.cpuMsPerOrder, s.coresBusy, s.ownMsPerOrder, s.rssMiB]),
        [
          'all services',
          r.totalCpuMsPerOrder,
          round(
            r.services.reduce((a, s) => a + s.coresBusy, 0),
            2,
          ),
          Number.NaN,
          Number.NaN,
        ],
        ...(r.database
          ? [['postgres server', r.database.cpuMsPerOrder, r.database.coresBusy, Number.NaN, Number.NaN]]
          : []),
      ],
    ) + `\n(load generator: ${r.bench.coresBusy} cores busy)`,
    table(
      ['service', 'route', 'requests', 'mean ms', 'server ms/order'],
      r.routes.map((x) => [x.service, x.route, x.requests, x.meanMs, x.msPerOrder]),
    ),
    table(
      ['from', 'to', 'operation', 'calls', 'mean ms'],
      r.calls.map((c) => [c.from, c.to, c.operation, c.calls, c.meanMs]),
    ),
    ...(r.cpuByArea ? [areaTable(r.cpuByArea, r.services)] : []),
  ].join('\n\n');
}

export function e2eTables(results: readonly E2eResult[], clients: number): string {
  return [backendTable(results), ...results.map((r) => detailTables(r, clients))].join('\n\n');
}

/**
 * Profile samples per area, scaled per service so each column adds up to the CPU the process really
 * used per order (sample intervals stretch when the machine is busy, so raw profile ms overstate it).
 */
function areaTable(
  areas: Record<string, Partial<Record<ServiceName, number>>>,
  services: readonly ServiceTime[],
): string {
  const sampled = new Map(
    services.map((s) => [s.service, Object.values(areas).reduce((a, per) => a + (per[s.service] ?? 0), 0)]),
  );
  const scale = (s: ServiceTime) => {
    const total = sampled.get(s.service) ?? 0;
    return total > 0 ? s.cpuMsPerOrder / total : 0;
  };
  const rows = Object.entries(areas)
    .map(([a, per]) => {
      const cells = services.map((s) => (per[s.service] ?? 0) * scale(s));
      return { a, cells, total: cells.reduce((x, y) => x + y, 0) };
    })
    .sort((x, y) => y.total - x.total);
  return (
    "CPU ms per order by area of code (--cpu-prof sample shares during the run, scaled to each process's CPU; profiling slows the stack)\n" +
    table(
      ['area', ...services.map((s) => s.service), 'all'],
      rows.map((r) => [r.a, ...r.cells.map((c) => round(c, 2)), round(r.total, 2)]),
    )
  );
}
