// The local control plane: etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok as
// background processes on 127.0.0.1 (pids and logs under .run/control-plane), three kwok nodes shaped
// like the kind cluster's, and the add-ons' CRDs installed and Established. `up` starts from empty
// state every time; `down` stops exactly the processes its pid files name.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { pinnedVersion } from '../../charts-src/config/versions.ts';
import { runningPid, startDaemon, stopDaemon, tailFile } from '../lib/daemon.ts';
import { type Component, components, kwokConfigFile } from './components.ts';
import { locateCrds } from './crds.ts';
import { servingCert, writeCredentials, writeKubeconfigs } from './credentials.ts';
import { KWOK_CLUSTER_FILES, hostSize, kwokConfig, kwokModuleDir, nodeManifests } from './kwok.ts';
import { CONTEXT, type Layout, layoutFor } from './layout.ts';

const run = promisify(execFile);

/** The kind cluster's name in mk/cluster.mk (KIND_CLUSTER): the kwok nodes carry kind's node names. */
export const KIND_CLUSTER = 'petstore';

export interface ComponentStatus {
  name: string;
  pid?: number;
  healthy: boolean;
}

/** HTTP status of a health endpoint (0 when unreachable); https without certificate checks. */
function healthStatus(url: string, token?: string): Promise<number> {
  const client = url.startsWith('https:') ? https : http;
  return new Promise((resolve) => {
    const req = client.get(
      url,
      {
        rejectUnauthorized: false,
        headers: token ? { authorization: `Bearer ${token}` } : {},
        timeout: 2000,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
  });
}

export class ControlPlane {
  readonly layout: Layout;
  readonly components: Component[];

  constructor(layout: Layout = layoutFor()) {
    this.layout = layout;
    this.components = components(layout);
  }

  pidFile(c: Component): string {
    return join(this.layout.runDir, 'pids', `${c.name}.pid`);
  }
  logFile(c: Component): string {
    return join(this.layout.runDir, 'logs', `${c.name}.log`);
  }
  pid(c: Component): number | undefined {
    return runningPid(this.pidFile(c), c.command);
  }

  /** The admin token from the kubeconfig, for health checks of the API server. */
  private adminToken(): string | undefined {
    try {
      const config = JSON.parse(readFileSync(this.layout.kubeconfig, 'utf8')) as {
        users: { user: { token: string } }[];
      };
      return config.users[0]?.user.token;
    } catch {
      return undefined;
    }
  }

  async status(): Promise<ComponentStatus[]> {
    const token = this.adminToken();
    return Promise.all(
      this.components.map(async (c) => {
        const pid = this.pid(c);
        const healthy = pid !== undefined && (await healthStatus(c.health, token)) === 200;
        return { name: c.name, pid, healthy };
      }),
    );
  }

  async running(): Promise<boolean> {
    return (await this.status()).every((s) => s.healthy);
  }

  /** kubectl (./bin) against this control plane as the admin user. */
  async kubectl(args: string[], input?: string): Promise<string> {
    const child = run(
      join(this.layout.binDir, 'kubectl'),
      ['--kubeconfig', this.layout.kubeconfig, '--context', CONTEXT, ...args],
      {
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    if (input !== undefined) child.child.stdin?.end(input);
    return (await child).stdout;
  }

  private async waitHealthy(c: Component, timeoutMs: number, token?: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.pid(c) === undefined) {
        throw new Error(`${c.name} exited during start-up; last log lines:\n${tailFile(this.logFile(c))}`);
      }
      if ((await healthStatus(c.health, token)) === 200) return;
      await sleep(200);
    }
    throw new Error(
      `${c.name} not healthy after ${timeoutMs} ms; last log lines:\n${tailFile(this.logFile(c))}`,
    );
  }

  private start(c: Component): void {
    startDaemon({ command: c.command, args: c.args, pidFile: this.pidFile(c), logFile: this.logFile(c) });
  }

  private component(name: Component['name']): Component {
    const c = this.components.find((x) => x.name === name);
    if (!c) throw new Error(`no component ${name}`);
    return c;
  }

  private checkBinaries(): void {
    const missing = this.components.map((c) => c.command).filter((cmd) => !existsSync(cmd));
    if (!existsSync(join(this.layout.binDir, 'kubectl'))) missing.push(join(this.layout.binDir, 'kubectl'));
    if (missing.length) throw new Error(`missing ${missing.join(', ')}: run make tools first`);
  }

  /** Starts everything from empty state; a no-op when every component already runs healthy. */
  async up(log: (line: string) => void = console.log): Promise<void> {
    if (await this.running()) {
      log(`control plane already running at ${this.layout.server}`);
      return;
    }
    this.checkBinaries();
    await this.down(() => {});
    const { layout } = this;
    for (const dir of [layout.etcdDir, layout.pkiDir]) rmSync(dir, { recursive: true, force: true });
    mkdirSync(layout.pkiDir, { recursive: true });
    const tokens = writeCredentials(layout);
    writeFileSync(kwokConfigFile(layout), kwokConfig(await kwokModuleDir(pinnedVersion('KWOK_VERSION'))));
    try {
      await this.startProcesses(tokens);
      await this.populate(log);
    } catch (err) {
      await this.down(() => {});
      throw err;
    }
  }

  /** etcd, then kube-apiserver, then (with kubeconfigs that trust its certificate) the rest. */
  private async startProcesses(tokens: Map<string, string>): Promise<void> {
    const etcd = this.component('etcd');
    this.start(etcd);
    await this.waitHealthy(etcd, 30_000);
    const apiserver = this.component('kube-apiserver');
    this.start(apiserver);
    await this.waitHealthy(apiserver, 60_000, tokens.get('admin'));
    if (!existsSync(servingCert(this.layout))) throw new Error('kube-apiserver wrote no serving certificate');
    writeKubeconfigs(this.layout, tokens);
    const rest = this.components.filter((c) => !['etcd', 'kube-apiserver'].includes(c.name));
    for (const c of rest) this.start(c);
    await Promise.all(rest.map((c) => this.waitHealthy(c, 60_000)));
  }

  /** Nodes, the StorageClass kwok provisions for, the CRDs; then waits until all of it is usable. */
  private async populate(log: (line: string) => void): Promise<void> {
    const nodes = nodeManifests(KIND_CLUSTER, hostSize());
    await this.kubectl(
      ['apply', '--server-side', '-f', '-'],
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: nodes }),
    );
    const stageDir = await kwokModuleDir(pinnedVersion('KWOK_VERSION'));
    for (const f of KWOK_CLUSTER_FILES)
      await this.kubectl(['apply', '--server-side', '-f', join(stageDir, f)]);
    const crds = await locateCrds({ root: this.layout.root });
    log(`applying ${crds.files.length} CRD files from ${crds.root} (SHA-256 verified)`);
    await this.kubectl(['apply', '--server-side', ...crds.files.flatMap((f) => ['-f', f])]);
    await this.kubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
    await this.kubectl(['wait', '--for=condition=Ready', 'node', '--all', '--timeout=60s']);
    // Pods need their namespace's default ServiceAccount: the controller-manager creates it.
    await this.waitFor(
      'the default ServiceAccount',
      60_000,
      async () =>
        (
          await this.kubectl([
            'get',
            'serviceaccount',
            'default',
            '-n',
            'default',
            '--ignore-not-found',
            '-o',
            'name',
          ])
        ).trim() !== '',
    );
  }

  private async waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await check()) return;
      await sleep(250);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  }

  /** Stops every component this control plane's pid files name, newest first. */
  async down(log: (line: string) => void = console.log): Promise<void> {
    const stopped: string[] = [];
    for (const c of [...this.components].reverse()) {
      if (await stopDaemon(this.pidFile(c), c.command)) stopped.push(c.name);
    }
    log(stopped.length ? `stopped: ${stopped.join(', ')}` : 'control plane was not running');
  }
}
