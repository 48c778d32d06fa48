// The local canary: the cluster's promotion on one machine. Petstore runs twice (stable and canary:
// two processes, two SERVICE_VERSIONs) beside the rest of the stack; the router stands in for the
// ingress gateway and routes by the synthesized gateway VirtualService; a real Prometheus scrapes both
// versions; k6 (the canary scenario) drives the load through the router; the promoter is the
// cluster's (runPromotion) with the router as its weights backend and Prometheus as its metrics.
// One LocalCanary can run several promotions (the tests run good, bad and idle on one stack).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { cp, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SERVICE_NAMES, type ServiceName } from '../../catalog/services.ts';
import { PROFILES, type CanaryAnalysis } from '../../charts-src/config/profiles.ts';
import { startPrometheus, type RunningPrometheus } from '../observe/prometheus.ts';
import { freePorts } from '../lib/ports.ts';
import { ROOT, Stack } from '../stack/stack.ts';
import { chartRouting } from './chart-routing.ts';
import { planFor, type Plan } from './plan.ts';
import { appSource, prometheusMetrics, type Versions } from './prometheus-metrics.ts';
import { realClock } from './progress.ts';
import { runPromotion, type ProgressEvent, type PromotionResult } from './promotion.ts';
import { buildReport, writeReport, type CanaryReport } from './report.ts';
import { routerWeights } from './router-weights.ts';
import { startRouter, type Resolver, type Router } from './router.ts';
import { canaryWeightOf, type Destination, type VirtualService } from './virtual-service.ts';

export type LocalScenario = 'good' | 'bad' | 'idle';
export const LOCAL_SCENARIOS: readonly LocalScenario[] = ['good', 'bad', 'idle'];

export interface LocalTiming {
  readonly analysis: CanaryAnalysis;
  /** Requests/s k6 sends through the router. */
  readonly rps: number;
  /** Scaled-down runs judge smaller windows (the statistics stay those of the catalog). */
  readonly minRequests?: number;
}

/** `make canary-demo`: a good run passes 10 → 30 → 50 → 100 % and the soak in about 2 minutes
 * (at 80/s the 10 % step sees 120 canary requests per interval, over the minimum of 100). */
export const DEMO_TIMING: LocalTiming = { analysis: { intervalSeconds: 15, soakSeconds: 30 }, rps: 80 };
/** `bad`: a share of the canary's business requests answer 500 (the kit's `error` fault). */
export const BAD_CANARY_ERROR_RATE = 0.15;

const PROFILE = PROFILES.kind;
/** Prometheus's scrape interval here (tools/observe/prometheus.ts's default). */
const SCRAPE_SECONDS = 1;
const SERVICE: ServiceName = 'petstore';

export interface LocalCanaryOptions {
  /** Holds the services' data and logs, Prometheus's TSDB and k6's output. */
  readonly runDir: string;
  readonly reportsDir: string;
}

export interface LocalRun {
  readonly result: PromotionResult;
  readonly report: CanaryReport;
  readonly reportPath: string;
}

function versionsOf(): Versions {
  const canary = PROFILE.canaries[SERVICE]?.version;
  if (!canary) throw new Error(`the ${PROFILE.name} profile deploys no canary of ${SERVICE}`);
  return { stable: PROFILE.stableVersion, canary };
}

async function setCanaryFaults(url: string, faults: Record<string, number>): Promise<void> {
  const res = await fetch(`${url}/admin/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  if (!res.ok) throw new Error(`setting the canary's faults failed: ${res.status} ${await res.text()}`);
}

/** k6 running the canary scenario through the router until stopped. */
function startK6(routerUrl: string, rps: number, versions: Versions, runDir: string): ChildProcess {
  const log = openSync(join(runDir, 'k6.log'), 'a');
  const child = spawn(
    join(ROOT, 'bin', 'k6'),
    ['run', '--quiet', join(ROOT, 'load', 'scenarios', 'canary.ts')],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        PETSTORE_URL: routerUrl,
        CANARY_RPS: String(rps),
        CANARY_DURATION: '3600',
        STABLE_VERSION: versions.stable,
        CANARY_VERSION: versions.canary,
        REPORT_DIR: join(runDir, 'k6'),
        K6_NO_USAGE_REPORT: 'true',
      },
      stdio: ['ignore', log, log],
    },
  );
  closeSync(log);
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await Promise.race([exited, sleep(10_000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

export class LocalCanary {
  readonly versions = versionsOf();
  private readonly routing = chartRouting(PROFILE, SERVICE);
  private readonly opts: LocalCanaryOptions;
  private stacks: Stack[] = [];
  private prometheus: RunningPrometheus | undefined;
  private router: Router | undefined;

  private constructor(opts: LocalCanaryOptions) {
    this.opts = opts;
  }

  /** The gateway VirtualService `make deploy` applies (its split is the profile's weight). */
  get gateway(): VirtualService {
    const vs = this.routing.virtualServices.find((v) => v.spec.gateways?.some((g) => g !== 'mesh'));
    if (!vs) throw new Error(`no gateway VirtualService routes to ${SERVICE}`);
    return vs;
  }

  static async start(opts: LocalCanaryOptions): Promise<LocalCanary> {
    const local = new LocalCanary(opts);
    try {
      await local.startAll();
    } catch (err) {
      await local.stop();
      throw err;
    }
    return local;
  }

  private async startAll(): Promise<void> {
    const { runDir } = this.opts;
    const [routerPort, prometheusPort, canaryPort, ...servicePorts] = (await freePorts(
      3 + SERVICE_NAMES.length,
    )) as number[];
    const ports = Object.fromEntries(SERVICE_NAMES.map((n, i) => [n, servicePorts[i]])) as Record<
      ServiceName,
      number
    >;
    const stack = (dir: string, services: ServiceName[], version: string, port = ports[SERVICE]): Stack =>
      new Stack({
        runDir: dir,
        services,
        ports: { ...ports, [SERVICE]: port },
        env: { LOG_LEVEL: 'warn', SERVICE_VERSION: version },
      });
    // What petstore calls first, then both petstores at once: stable, and the canary in a directory
    // of its own (PGlite is one process's; in the cluster both versions share PostgreSQL).
    const deps = stack(
      runDir,
      SERVICE_NAMES.filter((n) => n !== SERVICE),
      this.versions.stable,
    );
    const stable = stack(runDir, [SERVICE], this.versions.stable);
    const canary = stack(join(runDir, 'canary'), [SERVICE], this.versions.canary, canaryPort);
    this.stacks.push(deps, stable, canary);
    for (const s of this.stacks) await s.down(); // what an interrupted earlier run may have left behind
    await deps.up();
    const template = join(runDir, 'data', '.template');
    if (existsSync(template))
      await cp(template, join(runDir, 'canary', 'data', '.template'), { recursive: true });
    await rm(join(runDir, 'prometheus'), { recursive: true, force: true });
    // Prometheus starts with them: it waits until both are up and scraped.
    const [prometheus] = await Promise.all([
      startPrometheus({
        targets: [
          { service: SERVICE, url: stable.url(SERVICE), pod: `${SERVICE}-stable` },
          { service: SERVICE, url: canary.url(SERVICE), pod: `${SERVICE}-canary` },
        ],
        port: prometheusPort,
        intervalSeconds: SCRAPE_SECONDS,
        dataDir: join(runDir, 'prometheus'),
        readyTimeoutMs: 90_000,
      }),
      stable.up(),
      canary.up(),
    ]);
    this.prometheus = prometheus;
    const petstore = {
      [this.versions.stable]: stable.url(SERVICE),
      [this.versions.canary]: canary.url(SERVICE),
    };
    const resolve = this.resolver(deps, petstore);
    this.router = await startRouter({ virtualService: this.gateway, resolve, port: routerPort });
  }

  /** DestinationRule semantics: host -> service, subset -> version -> the process of that version. */
  private resolver(main: Stack, petstoreUrls: Record<string, string>): Resolver {
    return (d: Destination) => {
      const service = d.host.split('.')[0] as ServiceName;
      if (!SERVICE_NAMES.includes(service)) return undefined;
      const byVersion: Record<string, string> =
        service === SERVICE ? petstoreUrls : { [this.versions.stable]: main.url(service) };
      if (d.subset === undefined) {
        const all = Object.values(byVersion);
        return all[Math.floor(Math.random() * all.length)];
      }
      const version = this.routing.subsetsByHost[d.host]?.[d.subset];
      return version === undefined ? undefined : byVersion[version];
    };
  }

  get routerUrl(): string {
    return this.need(this.router).url;
  }

  get prometheusUrl(): string {
    return this.need(this.prometheus).url;
  }

  get canaryUrl(): string {
    return this.need(this.stacks[2]).url(SERVICE);
  }

  private need<T>(x: T | undefined): T {
    if (x === undefined) throw new Error('the local canary is not running');
    return x;
  }

  /** The plan of a promotion from the chart's split. */
  plan(timing: LocalTiming): Plan {
    return planFor(timing.analysis, {
      fromWeight: canaryWeightOf(this.gateway, this.routing.split),
      ...(timing.minRequests === undefined ? {} : { minRequests: timing.minRequests }),
    });
  }

  /** One promotion from the chart's split: faults and load per scenario, then the report. */
  async promote(
    scenario: LocalScenario,
    timing: LocalTiming,
    onProgress?: (e: ProgressEvent) => void,
  ): Promise<LocalRun> {
    const router = this.need(this.router);
    const prometheus = this.need(this.prometheus);
    router.apply(this.gateway);
    await setCanaryFaults(this.canaryUrl, scenario === 'bad' ? { error: BAD_CANARY_ERROR_RATE } : {});
    await mkdir(join(this.opts.runDir, 'k6'), { recursive: true });
    const k6 =
      scenario === 'idle' ? undefined : startK6(router.url, timing.rps, this.versions, this.opts.runDir);
    try {
      if (k6) await this.waitForLoad(router, k6);
      const weights = routerWeights(router, this.routing.split);
      const plan = this.plan(timing);
      const startedAt = new Date();
      const metrics = prometheusMetrics(
        (q) => prometheus.query(q),
        [appSource(SERVICE, this.versions)],
        this.versions,
      );
      const result = await runPromotion(plan, {
        weights,
        metrics,
        clock: realClock,
        ...(onProgress ? { onProgress } : {}),
      });
      const report = buildReport(result, {
        target: 'local',
        scenario,
        service: SERVICE,
        versions: this.versions,
        plan,
        startedAt,
      });
      return { result, report, reportPath: await writeReport(this.opts.reportsDir, report) };
    } finally {
      if (k6) await stopProcess(k6);
      await setCanaryFaults(this.canaryUrl, {});
      // Let Prometheus scrape the last of this load, so a next promotion's first snapshot includes it.
      await sleep(2 * SCRAPE_SECONDS * 1000 + 500);
    }
  }

  /** Until k6 sends (it takes a second or two to start), so the first interval sees full load. */
  private async waitForLoad(router: Router, k6: ChildProcess): Promise<void> {
    const before = router.forwarded();
    const deadline = Date.now() + 30_000;
    while (router.forwarded() - before < 20) {
      if (k6.exitCode !== null)
        throw new Error(`k6 exited (${k6.exitCode}); see ${join(this.opts.runDir, 'k6.log')}`);
      if (Date.now() > deadline) throw new Error('k6 sent no load through the router within 30 s');
      await sleep(100);
    }
  }

  async stop(): Promise<void> {
    await this.router?.close();
    await this.prometheus?.stop();
    for (const stack of [...this.stacks].reverse()) await stack.down();
    this.router = undefined;
    this.prometheus = undefined;
    this.stacks = [];
  }
}
