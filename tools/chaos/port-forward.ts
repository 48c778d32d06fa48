// Base URLs for the audit's reads on a cluster: `kubectl port-forward` to each Service. The export
// routes are not on the gateway (its policy allows /orders only) and the API server's service proxy
// is unlikely to pass the mesh's strict mTLS (not tried), so the audit goes the way an operator would. A forward is
// bound to one pod and ends with it: open them for a read, close them before deleting pods again.
import { spawn, type ChildProcess } from 'node:child_process';
import { CLUSTER_SERVICE_PORT } from '../../catalog/services.ts';
import type { ServiceUrls } from './reader.ts';

export interface ForwardOptions {
  namespace: string;
  /** kubectl's --context (default: the kubeconfig's current one). */
  context?: string;
  /** kubectl to run (default: KUBECTL, else `kubectl` on PATH: ./bin's pinned one under make). */
  kubectl?: string;
  /** How long kubectl gets to say it forwards. */
  timeoutMs?: number;
}

/** Starts `kubectl port-forward svc/<service> :80`; resolves with the local URL once it listens. */
function forward(service: string, opts: ForwardOptions): Promise<{ url: string; child: ChildProcess }> {
  const args = ['port-forward', '-n', opts.namespace, `svc/${service}`, `:${CLUSTER_SERVICE_PORT}`];
  if (opts.context) args.unshift('--context', opts.context);
  const kubectl = opts.kubectl ?? process.env.KUBECTL_BIN ?? 'kubectl';
  const child = spawn(kubectl, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const what = `kubectl port-forward -n ${opts.namespace} svc/${service}`;
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill();
      reject(new Error(`${what}: ${why}`));
    };
    const timer = setTimeout(
      () => fail(`no forwarding after ${(opts.timeoutMs ?? 20_000) / 1000} s${err ? `: ${err.trim()}` : ''}`),
      opts.timeoutMs ?? 20_000,
    );
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const port = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out)?.[1];
      if (!port) return;
      clearTimeout(timer);
      resolve({ url: `http://127.0.0.1:${port}`, child });
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => fail(e.message));
    child.on('exit', (code) => fail(`exited ${code}: ${err.trim() || out.trim() || 'no output'}`));
  });
}

/**
 * Runs `read` with port-forwards to order, payment and inventory, and closes them afterwards. A
 * forward that cannot be opened, or that breaks (its pod went away), fails with kubectl's reason.
 */
export async function withForwards<T>(
  opts: ForwardOptions,
  read: (urls: ServiceUrls) => Promise<T>,
): Promise<T> {
  const opened: ChildProcess[] = [];
  let broken: string | undefined;
  try {
    const open = async (service: keyof ServiceUrls) => {
      const f = await forward(service, opts);
      opened.push(f.child);
      const exited = (code: number | null) =>
        (broken ??= `the port-forward to svc/${service} exited ${code}`);
      if (f.child.exitCode !== null) exited(f.child.exitCode);
      else f.child.once('exit', exited);
      return f.url;
    };
    const urls: ServiceUrls = {
      order: await open('order'),
      payment: await open('payment'),
      inventory: await open('inventory'),
    };
    const result = await read(urls).catch((err: Error) => {
      throw broken ? new Error(`${broken} during the read: ${err.message}`, { cause: err }) : err;
    });
    if (broken) throw new Error(`${broken} during the read (was its pod deleted?)`);
    return result;
  } finally {
    for (const c of opened) {
      c.removeAllListeners('exit');
      c.kill();
    }
  }
}
