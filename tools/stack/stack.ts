// The local stack: every service as a background process with its own PGlite data directory,
// logs under .run/logs, pids under .run/pids. Used by `make up` / `make down` and by end-to-end tests.
import { existsSync, rmSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SERVICES, SERVICE_NAMES, type ServiceName } from '../../catalog/index.ts';
import { runningPid, startDaemon, stopDaemon, tailFile } from '../lib/daemon.ts';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface StackOptions {
  /** Directory for data, logs and pids (default .run). */
  runDir?: string;
  /** Port per service (default: catalog local ports, or <NAME>_PORT from the environment). */
  ports?: Partial<Record<ServiceName, number>>;
  /** Extra environment for every service, and per service. */
  env?: NodeJS.ProcessEnv;
  serviceEnv?: Partial<Record<ServiceName, NodeJS.ProcessEnv>>;
  /** Which services (default: every service that has a main.ts). */
  services?: ServiceName[];
  readyTimeoutMs?: number;
  /** Start every service at once instead of in call-graph waves (for fresh data: no recovery to do). */
  allAtOnce?: boolean;
  /** Script a service runs from (default services/<name>/main.ts) and the working directory. */
  entry?: (name: ServiceName) => string;
  cwd?: string;
}

/** Groups services so that each one comes after every service it calls (catalog call graph). */
export function startWaves(services: readonly ServiceName[]): ServiceName[][] {
  const depth = (n: ServiceName): number =>
    Math.max(0, ...SERVICES[n].calls.filter((c) => services.includes(c.to)).map((c) => depth(c.to) + 1));
  const waves: ServiceName[][] = [];
  for (const n of services) (waves[depth(n)] ??= []).push(n);
  return waves.filter((w) => w.length > 0);
}

const envName = (name: ServiceName, suffix: string): string =>
  `${name.toUpperCase().replace(/-/g, '_')}_${suffix}`;

export class Stack {
  readonly runDir: string;
  readonly services: ServiceName[];
  readonly ports: Record<ServiceName, number>;
  private readonly opts: StackOptions;

  constructor(opts: StackOptions = {}) {
    this.opts = opts;
    this.runDir = resolve(opts.runDir ?? join(ROOT, '.run'));
    this.services =
      opts.services ?? SERVICE_NAMES.filter((n) => existsSync(join(ROOT, 'services', n, 'main.ts')));
    this.ports = Object.fromEntries(
      SERVICE_NAMES.map((n) => [
        n,
        opts.ports?.[n] ?? Number(process.env[envName(n, 'PORT')] ?? SERVICES[n].localPort),
      ]),
    ) as Record<ServiceName, number>;
  }

  url(name: ServiceName): string {
    return `http://127.0.0.1:${this.ports[name]}`;
  }
  logFile(name: ServiceName): string {
    return join(this.runDir, 'logs', `${name}.log`);
  }
  dataDir(name: ServiceName): string {
    return join(this.runDir, 'data', name);
  }
  private pidFile(name: ServiceName): string {
    return join(this.runDir, 'pids', `${name}.pid`);
  }

  pid(name: ServiceName): number | undefined {
    return runningPid(this.pidFile(name));
  }

  /** initdb once into a template, then copy it: a new PGlite directory costs ~4 s, a copy ~0.1 s. */
  private async prepareData(): Promise<void> {
    const stateful = this.services.filter((n) => SERVICES[n].stateful && !existsSync(this.dataDir(n)));
    if (!stateful.length || this.opts.env?.DATABASE_URL) return;
    const template = join(this.runDir, 'data', '.template');
    if (!existsSync(join(template, 'PG_VERSION'))) {
      const { openDatabase } = await import('../../services/kit/db/index.ts');
      rmSync(template, { recursive: true, force: true });
      await (await openDatabase({ dataDir: template })).close();
    }
    for (const n of stateful) await cp(template, this.dataDir(n), { recursive: true });
  }

  environment(name: ServiceName): NodeJS.ProcessEnv {
    const urls = Object.fromEntries(SERVICE_NAMES.map((n) => [envName(n, 'URL'), this.url(n)]));
    return {
      ...process.env,
      FAULT_HEADERS_ENABLED: 'true',
      ADMIN_ENABLED: 'true',
      ...urls,
      ...this.opts.env,
      ...this.opts.serviceEnv?.[name],
      PORT: String(this.ports[name]),
      DATA_DIR: this.dataDir(name),
    };
  }

  /** Starts one service in the background (detached: it outlives this process). */
  start(name: ServiceName): number {
    if (this.pid(name)) throw new Error(`${name} is already running (pid ${this.pid(name)})`);
    return startDaemon({
      command: process.execPath,
      args: [this.opts.entry?.(name) ?? join(ROOT, 'services', name, 'main.ts')],
      cwd: this.opts.cwd ?? ROOT,
      env: this.environment(name),
      pidFile: this.pidFile(name),
      logFile: this.logFile(name),
    });
  }

  /**
   * Starts services in waves along the call graph, callees first, each wave once the previous one is
   * ready: a caller's start-up work (e.g. the order saga's recovery) then finds its dependencies up,
   * instead of tripping its circuit breakers on services that are still starting.
   */
  async up(): Promise<void> {
    await this.prepareData();
    for (const wave of this.opts.allAtOnce ? [this.services] : startWaves(this.services)) {
      for (const n of wave) if (!this.pid(n)) this.start(n);
      await Promise.all(wave.map((n) => this.waitReady(n)));
    }
  }

  async waitReady(name: ServiceName, timeoutMs = this.opts.readyTimeoutMs ?? 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.pid(name)) {
        throw new Error(`${name} exited during start-up; last log lines:\n${this.tail(name)}`);
      }
      if ((await this.health(name)).ready) return;
      await sleep(100);
    }
    throw new Error(`${name} not ready after ${timeoutMs} ms; last log lines:\n${this.tail(name)}`);
  }

  async health(name: ServiceName): Promise<{ ready: boolean; status: string }> {
    try {
      const res = await fetch(`${this.url(name)}/readyz`, { signal: AbortSignal.timeout(1000) });
      return { ready: res.ok, status: res.ok ? 'ready' : `not ready (${res.status})` };
    } catch {
      return { ready: false, status: this.pid(name) ? 'starting' : 'stopped' };
    }
  }

  tail(name: ServiceName, lines = 15): string {
    return tailFile(this.logFile(name), lines);
  }

  /** SIGTERM (graceful drain), then SIGKILL after the grace period. */
  async stop(name: ServiceName, graceMs = 15_000): Promise<void> {
    await stopDaemon(this.pidFile(name), undefined, graceMs);
  }

  /** kill -9: no drain, no cleanup — for crash tests. */
  kill(name: ServiceName): void {
    const pid = this.pid(name);
    if (pid) process.kill(pid, 'SIGKILL');
    rmSync(this.pidFile(name), { force: true });
  }

  async down(): Promise<void> {
    await Promise.all([...this.services].reverse().map((n) => this.stop(n)));
  }
}
