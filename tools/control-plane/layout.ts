// Where the local control plane keeps its state and which ports it takes: everything under
// .run/control-plane, everything on 127.0.0.1, ports counted up from one base port
// ($CONTROL_PLANE_PORT, default 16443) so that one variable moves it out of another program's way.
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CONTEXT = 'mmf-local';

export interface Ports {
  apiserver: number;
  controllerManager: number;
  scheduler: number;
  kwok: number;
  etcdClient: number;
  etcdPeer: number;
}

export interface Layout {
  root: string;
  binDir: string;
  runDir: string;
  /** The admin kubeconfig (context mmf-local) users and tests point kubectl at. */
  kubeconfig: string;
  pkiDir: string;
  etcdDir: string;
  ports: Ports;
  /** https://127.0.0.1:<apiserver port> */
  server: string;
}

export function portsFrom(base: number): Ports {
  return {
    apiserver: base,
    controllerManager: base + 1,
    scheduler: base + 2,
    kwok: base + 3,
    etcdClient: base + 4,
    etcdPeer: base + 5,
  };
}

export function layoutFor(env: NodeJS.ProcessEnv = process.env, root = ROOT): Layout {
  const runDir = resolve(root, env.CONTROL_PLANE_DIR ?? '.run/control-plane');
  const base = Number(env.CONTROL_PLANE_PORT ?? 16443);
  if (!Number.isInteger(base) || base < 1024 || base > 65530) {
    throw new Error(
      `CONTROL_PLANE_PORT must be an integer port between 1024 and 65530, got ${env.CONTROL_PLANE_PORT}`,
    );
  }
  const ports = portsFrom(base);
  return {
    root,
    binDir: join(root, 'bin'),
    runDir,
    kubeconfig: join(runDir, 'kubeconfig'),
    pkiDir: join(runDir, 'pki'),
    etcdDir: join(runDir, 'etcd'),
    ports,
    server: `https://127.0.0.1:${ports.apiserver}`,
  };
}
