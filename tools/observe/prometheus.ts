// A real Prometheus (./bin/prometheus, pinned: tools/prometheus/go.mod) scraping services on this
// machine with the target labels the ServiceMonitor gives them in the cluster, so dashboards, alert
// rules, the demo report and the canary judge run the same PromQL here as there.
//
//   const prom = await startPrometheus({ targets: stackTargets(stack), ruleFiles: ['dist/rules/x.yaml'] });
//   const samples = await prom.query('sum by (service) (rate(mmf_http_server_request_duration_seconds_count[30s]))');
//   await prom.stop();
//
// Used by `make observe`, the live proof of the dashboards and alerts, `make demo` and the canary demo.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  NAMESPACE,
  SERVICE_NAMES,
  SERVICES,
  type ServiceName,
  type TARGET_LABELS,
} from '../../catalog/index.ts';

type TargetLabel = (typeof TARGET_LABELS)[number];

export const ROOT = resolve(import.meta.dirname, '../..');
export const PROMETHEUS_BIN = join(ROOT, 'bin', 'prometheus');
export const DEFAULT_PROMETHEUS_PORT = 9090;

/** One service process to scrape. Its metrics are read from `${url}/metrics`. */
export interface ScrapeTarget {
  readonly service: ServiceName;
  /** Base URL of the service, e.g. http://127.0.0.1:8000. */
  readonly url: string;
  /** Pod name label; default `<service>-local-<port>` (two versions of one service get two pods). */
  readonly pod?: string;
  /** More target labels (they win over the defaults). */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface PrometheusOptions {
  readonly targets: readonly ScrapeTarget[];
  /** Listen port on 127.0.0.1 (default 9090; 0 is not supported: Prometheus cannot report it). */
  readonly port?: number;
  /** Scrape and rule evaluation interval in seconds (default 1). */
  readonly intervalSeconds?: number;
  /** Rule files (Prometheus rule-file YAML) loaded at start. */
  readonly ruleFiles?: readonly string[];
  /** TSDB directory; default a fresh temporary directory that stop() removes. */
  readonly dataDir?: string;
  /** Prometheus's own log (default: <dataDir>/prometheus.log). */
  readonly logFile?: string;
  /** How long to wait for every target to be up (default 30 s). */
  readonly readyTimeoutMs?: number;
  readonly binary?: string;
}

export type Labels = Readonly<Record<string, string>>;
/** One sample of an instant query (a scalar result comes back as one sample without labels). */
export interface Sample {
  readonly labels: Labels;
  readonly value: number;
}
/** One series of a range query: [unix seconds, value] pairs. */
export interface Series {
  readonly labels: Labels;
  readonly values: readonly (readonly [number, number])[];
}
export interface TargetHealth {
  readonly labels: Labels;
  readonly scrapeUrl: string;
  readonly health: 'up' | 'down' | 'unknown';
  readonly lastError: string;
}
export interface RuleState {
  readonly group: string;
  readonly name: string;
  readonly type: 'alerting' | 'recording';
  readonly health: 'ok' | 'err' | 'unknown';
  readonly lastError?: string;
  /** Alerting rules only: inactive, pending or firing. */
  readonly state?: 'inactive' | 'pending' | 'firing';
  readonly query: string;
}

/** Prometheus answered a query with an error (bad PromQL, unknown function, ...). */
export class PrometheusQueryError extends Error {
  readonly expr: string;
  constructor(expr: string, message: string) {
    super(`${message} (query: ${expr})`);
    this.name = 'PrometheusQueryError';
    this.expr = expr;
  }
}

/** The labels prometheus-operator gives a target of the services' ServiceMonitor (endpoints role):
 * job and service = the Service name, namespace, pod, endpoint = the port name. `container` stays
 * unset there too: the scraped port (Istio's merged :15020) is declared by no container. */
export function targetLabels(target: ScrapeTarget): Record<string, string> {
  const port = new URL(target.url).port;
  const labels: Record<Exclude<TargetLabel, 'instance'>, string> = {
    job: target.service,
    namespace: NAMESPACE,
    service: target.service,
    pod: target.pod ?? `${target.service}-local-${port}`,
    endpoint: 'http-metrics',
  };
  return { ...labels, ...target.labels };
}

/** Targets for every service of a running local stack (tools/stack), at its ports. */
export function stackTargets(stack: {
  readonly services: readonly ServiceName[];
  url(name: ServiceName): string;
}): ScrapeTarget[] {
  return stack.services.map((service) => ({ service, url: stack.url(service) }));
}

/** Targets at the catalog's local ports (what `make up` starts, unless ports were overridden). */
export function localTargets(services: readonly ServiceName[] = SERVICE_NAMES): ScrapeTarget[] {
  return services.map((service) => ({ service, url: `http://127.0.0.1:${SERVICES[service].localPort}` }));
}

/** The Prometheus configuration (JSON is valid YAML): one scrape job per service. */
export function prometheusConfig(opts: PrometheusOptions): object {
  const interval = `${opts.intervalSeconds ?? 1}s`;
  const services = [...new Set(opts.targets.map((t) => t.service))];
  return {
    global: { scrape_interval: interval, evaluation_interval: interval, scrape_timeout: interval },
    rule_files: (opts.ruleFiles ?? []).map((f) => resolve(f)),
    scrape_configs: services.map((service) => ({
      job_name: service,
      metrics_path: '/metrics',
      static_configs: opts.targets
        .filter((t) => t.service === service)
        .map((t) => ({ targets: [new URL(t.url).host], labels: targetLabels(t) })),
    })),
  };
}

export interface RunningPrometheus {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly dataDir: string;
  /** Instant query (at `time`, unix seconds; default now). Throws PrometheusQueryError. */
  query(expr: string, time?: number): Promise<Sample[]>;
  /** Range query over [start, end] (unix seconds) every `step` seconds. */
  queryRange(expr: string, start: number, end: number, step: number): Promise<Series[]>;
  targets(): Promise<TargetHealth[]>;
  rules(): Promise<RuleState[]>;
  /** Resolves once every configured target has been scraped successfully. */
  waitForTargets(timeoutMs?: number): Promise<void>;
  /** Waits until rules have been evaluated at least once after `afterMs` (Date.now() ms). */
  waitForRuleEvaluation(afterMs?: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts Prometheus on 127.0.0.1 and waits until it is ready and every target is up. */
export async function startPrometheus(opts: PrometheusOptions): Promise<RunningPrometheus> {
  const binary = opts.binary ?? PROMETHEUS_BIN;
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run \`make tools\` (builds Prometheus)`);
  const port = opts.port ?? DEFAULT_PROMETHEUS_PORT;
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'mmf-prometheus-')));
  await mkdir(dataDir, { recursive: true });
  const configFile = join(dataDir, 'prometheus.yml');
  await writeFile(configFile, JSON.stringify(prometheusConfig(opts), null, 2));
  const logFile = opts.logFile ?? join(dataDir, 'prometheus.log');
  const log = await open(logFile, 'a');
  const child = spawn(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dataDir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
      '--log.level=warn',
    ],
    { stdio: ['ignore', log.fd, log.fd] },
  );
  await log.close();
  // Never outlive the process that started it (a failed test run must not leave it listening).
  const killOnExit = (): boolean => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  const prom = new Client(`http://127.0.0.1:${port}`, dataDir, child, ownDir, opts.targets.length);
  try {
    await prom.waitReady(opts.readyTimeoutMs ?? 30_000);
    await prom.waitForTargets(opts.readyTimeoutMs ?? 30_000);
  } catch (err) {
    const tail = (await readFile(logFile, 'utf8').catch(() => '')).trimEnd().split('\n').slice(-10);
    await prom.stop();
    const log = tail.join('\n').trim();
    throw new Error(`${(err as Error).message}${log ? `\nprometheus log:\n${log}` : ''}`, { cause: err });
  }
  return prom;
}

interface ApiAnswer<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
  errorType?: string;
}
type PromValue = [number, string];
interface QueryData {
  resultType: 'vector' | 'matrix' | 'scalar' | 'string';
  result: unknown;
}

const number = (v: string): number => Number(v);

class Client implements RunningPrometheus {
  readonly url: string;
  readonly dataDir: string;
  private readonly child: ChildProcess;
  private readonly ownDir: boolean;
  private readonly targetCount: number;
  private exited = false;

  constructor(url: string, dataDir: string, child: ChildProcess, ownDir: boolean, targetCount: number) {
    this.url = url;
    this.dataDir = dataDir;
    this.child = child;
    this.ownDir = ownDir;
    this.targetCount = targetCount;
    child.once('exit', () => (this.exited = true));
  }

  /** GET, or POST for queries (form-encoded: a long dashboard query does not fit every URL). */
  private async api<T>(path: string, params: Record<string, string> = {}, expr = ''): Promise<T> {
    const body = new URLSearchParams(params);
    const signal = AbortSignal.timeout(10_000);
    const res = expr
      ? await fetch(`${this.url}/api/v1/${path}`, { method: 'POST', body, signal })
      : await fetch(`${this.url}/api/v1/${path}?${body}`, { signal });
    const answer = (await res.json()) as ApiAnswer<T>;
    if (answer.status !== 'success') {
      throw new PrometheusQueryError(
        expr,
        `${answer.errorType ?? 'error'}: ${answer.error ?? res.statusText}`,
      );
    }
    return answer.data;
  }

  async query(expr: string, time?: number): Promise<Sample[]> {
    const params: Record<string, string> = { query: expr };
    if (time !== undefined) params.time = String(time);
    const data = await this.api<QueryData>('query', params, expr);
    if (data.resultType === 'scalar') return [{ labels: {}, value: number((data.result as PromValue)[1]) }];
    if (data.resultType !== 'vector') throw new PrometheusQueryError(expr, `unexpected ${data.resultType}`);
    return (data.result as { metric: Labels; value: PromValue }[]).map((r) => ({
      labels: r.metric,
      value: number(r.value[1]),
    }));
  }

  async queryRange(expr: string, start: number, end: number, step: number): Promise<Series[]> {
    const params = { query: expr, start: String(start), end: String(end), step: String(step) };
    const data = await this.api<QueryData>('query_range', params, expr);
    return (data.result as { metric: Labels; values: PromValue[] }[]).map((r) => ({
      labels: r.metric,
      values: r.values.map(([t, v]) => [t, number(v)] as const),
    }));
  }

  async targets(): Promise<TargetHealth[]> {
    const data = await this.api<{ activeTargets: TargetHealth[] }>('targets', { state: 'active' });
    return data.activeTargets.map((t) => ({
      labels: t.labels,
      scrapeUrl: t.scrapeUrl,
      health: t.health,
      lastError: t.lastError,
    }));
  }

  async rules(): Promise<RuleState[]> {
    type Group = { name: string; rules: (Omit<RuleState, 'group'> & { lastEvaluation: string })[] };
    const data = await this.api<{ groups: Group[] }>('rules');
    return data.groups.flatMap((g) =>
      g.rules.map((r) => ({
        group: g.name,
        name: r.name,
        type: r.type,
        health: r.health,
        lastError: r.lastError || undefined,
        state: r.state,
        query: r.query,
      })),
    );
  }

  async waitReady(timeoutMs: number): Promise<void> {
    await this.poll(timeoutMs, 'ready', async () => {
      const res = await fetch(`${this.url}/-/ready`, { signal: AbortSignal.timeout(1000) });
      return res.ok;
    });
  }

  async waitForTargets(timeoutMs = 30_000): Promise<void> {
    let last: TargetHealth[] = [];
    await this.poll(timeoutMs, 'targets up', async () => {
      last = await this.targets();
      return last.length === this.targetCount && last.every((t) => t.health === 'up');
    }).catch((err: Error) => {
      const down = last.filter((t) => t.health !== 'up');
      const why = last.length
        ? down.map((t) => `${t.scrapeUrl} ${t.health} ${t.lastError}`).join('; ')
        : 'no target discovered yet';
      throw new Error(`${err.message}: ${why}`);
    });
  }

  async waitForRuleEvaluation(afterMs = Date.now(), timeoutMs = 30_000): Promise<void> {
    type Group = { name: string; lastEvaluation: string };
    await this.poll(timeoutMs, 'rules evaluated', async () => {
      const { groups } = await this.api<{ groups: Group[] }>('rules');
      return groups.every((g) => Date.parse(g.lastEvaluation) > afterMs);
    });
  }

  private async poll(timeoutMs: number, what: string, check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error('prometheus exited');
      if (await check().catch(() => false)) return;
      await sleep(200);
    }
    throw new Error(`prometheus at ${this.url}: not ${what} after ${timeoutMs} ms`);
  }

  async stop(): Promise<void> {
    if (!this.exited) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (!this.exited) this.child.kill('SIGKILL');
    }
    if (this.ownDir) await rm(this.dataDir, { recursive: true, force: true });
  }
}
