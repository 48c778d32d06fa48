// The five processes of the local control plane and their command lines. Flags follow what kubeadm
// (which kind runs) sets where it matters to the objects we deploy: RBAC + Node authorization, the
// default admission plugins plus NodeRestriction, service-account tokens signed by the API server,
// per-controller service-account credentials, kind's service CIDR. What differs, and why: etcd skips
// fsync (throwaway data, much faster on a shared disk); no leader election (one instance of each);
// kwok replaces the kubelets, so there are no containers, logs or exec.
import { join } from 'node:path';
import {
  clientKubeconfig,
  serviceAccountKey,
  serviceAccountPub,
  servingCert,
  tokenFile,
} from './credentials.ts';
import type { Layout } from './layout.ts';

export type ComponentName = 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kwok';

export interface Component {
  name: ComponentName;
  command: string;
  args: string[];
  /** Health endpoint (https ones are checked without verifying the certificate; only a status). */
  health: string;
}

/** kind's defaults (kubeadm): services 10.96.0.0/16, pods 10.244.0.0/16. */
export const SERVICE_CIDR = '10.96.0.0/16';
export const POD_CIDR = '10.244.0.0/16';
/** Nodes kwok manages carry this annotation; others (if anybody adds some) are left alone. */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';

export const kwokConfigFile = (layout: Layout): string => join(layout.runDir, 'kwok.yaml');

const bin = (layout: Layout, name: string): string => join(layout.binDir, name);
const etcdUrl = (layout: Layout): string => `http://127.0.0.1:${layout.ports.etcdClient}`;

/** The controller-manager and the scheduler serve only health on 127.0.0.1. */
function serving(layout: Layout, port: number, id: string): string[] {
  const kubeconfig = clientKubeconfig(layout, id);
  return [
    `--bind-address=127.0.0.1`,
    `--secure-port=${port}`,
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    `--leader-elect=false`,
  ];
}

function etcd(layout: Layout): Component {
  const { ports } = layout;
  return {
    name: 'etcd',
    command: bin(layout, 'etcd'),
    args: [
      '--name=mmf-local',
      `--data-dir=${layout.etcdDir}`,
      `--listen-client-urls=${etcdUrl(layout)}`,
      `--advertise-client-urls=${etcdUrl(layout)}`,
      `--listen-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
      `--initial-cluster=mmf-local=http://127.0.0.1:${ports.etcdPeer}`,
      '--unsafe-no-fsync',
      '--log-level=warn',
    ],
    health: `${etcdUrl(layout)}/health`,
  };
}

function kubeApiserver(layout: Layout): Component {
  const { ports } = layout;
  return {
    name: 'kube-apiserver',
    command: bin(layout, 'kube-apiserver'),
    args: [
      `--etcd-servers=${etcdUrl(layout)}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${ports.apiserver}`,
      `--cert-dir=${layout.pkiDir}`,
      `--token-auth-file=${tokenFile(layout)}`,
      '--anonymous-auth=false',
      '--authorization-mode=Node,RBAC',
      '--enable-admission-plugins=NodeRestriction',
      '--allow-privileged=true',
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${serviceAccountPub(layout)}`,
      `--service-account-signing-key-file=${serviceAccountKey(layout)}`,
      '--profiling=false',
    ],
    health: `https://127.0.0.1:${ports.apiserver}/readyz`,
  };
}

function kubeControllerManager(layout: Layout): Component {
  const { ports } = layout;
  return {
    name: 'kube-controller-manager',
    command: bin(layout, 'kube-controller-manager'),
    args: [
      ...serving(layout, ports.controllerManager, 'kube-controller-manager'),
      '--cluster-name=mmf-local',
      '--controllers=*',
      '--use-service-account-credentials=true',
      `--service-account-private-key-file=${serviceAccountKey(layout)}`,
      `--root-ca-file=${servingCert(layout)}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      // The HPA controller's default sync period is 15 s; keep it (what kind shows).
    ],
    health: `https://127.0.0.1:${ports.controllerManager}/healthz`,
  };
}

function kubeScheduler(layout: Layout): Component {
  const { ports } = layout;
  return {
    name: 'kube-scheduler',
    command: bin(layout, 'kube-scheduler'),
    args: serving(layout, ports.scheduler, 'kube-scheduler'),
    health: `https://127.0.0.1:${ports.scheduler}/healthz`,
  };
}

function kwok(layout: Layout): Component {
  const { ports } = layout;
  return {
    name: 'kwok',
    command: bin(layout, 'kwok'),
    args: [
      `--kubeconfig=${clientKubeconfig(layout, 'kwok')}`,
      `--config=${kwokConfigFile(layout)}`,
      '--manage-all-nodes=false',
      `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=fake`,
      `--cidr=${POD_CIDR}`,
      '--node-ip=127.0.0.1',
      '--node-lease-duration-seconds=40',
      `--server-address=127.0.0.1:${ports.kwok}`,
    ],
    health: `http://127.0.0.1:${ports.kwok}/healthz`,
  };
}

export function components(layout: Layout): Component[] {
  return [
    etcd(layout),
    kubeApiserver(layout),
    kubeControllerManager(layout),
    kubeScheduler(layout),
    kwok(layout),
  ];
}
