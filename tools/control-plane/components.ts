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

export function components(layout: Layout): Component[] {
  const bin = (name: string): string => join(layout.binDir, name);
  const { ports } = layout;
  const etcdUrl = `http://127.0.0.1:${ports.etcdClient}`;
  const kubeconfigOf = (id: string): string => clientKubeconfig(layout, id);
  // The controller-manager and the scheduler serve only health on 127.0.0.1.
  const serving = (port: number, id: string): string[] => [
    `--bind-address=127.0.0.1`,
    `--secure-port=${port}`,
    `--kubeconfig=${kubeconfigOf(id)}`,
    `--authentication-kubeconfig=${kubeconfigOf(id)}`,
    `--authorization-kubeconfig=${kubeconfigOf(id)}`,
    `--leader-elect=false`,
  ];
  return [
    {
      name: 'etcd',
      command: bin('etcd'),
      args: [
        '--name=mmf-local',
        `--data-dir=${layout.etcdDir}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
        `--initial-cluster=mmf-local=http://127.0.0.1:${ports.etcdPeer}`,
        '--unsafe-no-fsync',
        '--log-level=warn',
      ],
      health: `${etcdUrl}/health`,
    },
    {
      name: 'kube-apiserver',
      command: bin('kube-apiserver'),
      args: [
        `--etcd-servers=${etcdUrl}`,
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
    },
    {
      name: 'kube-controller-manager',
      command: bin('kube-controller-manager'),
      args: [
        ...serving(ports.controllerManager, 'kube-controller-manager'),
        '--cluster-name=mmf-local',
        '--controllers=*',
        '--use-service-account-credentials=true',
        `--service-account-private-key-file=${serviceAccountKey(layout)}`,
        `--root-ca-file=${servingCert(layout)}`,
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        // The HPA controller's default sync period is 15 s; keep it (what kind shows).
      ],
      health: `https://127.0.0.1:${ports.controllerManager}/healthz`,
    },
    {
      name: 'kube-scheduler',
      command: bin('kube-scheduler'),
      args: serving(ports.scheduler, 'kube-scheduler'),
      health: `https://127.0.0.1:${ports.scheduler}/healthz`,
    },
    {
      name: 'kwok',
      command: bin('kwok'),
      args: [
        `--kubeconfig=${kubeconfigOf('kwok')}`,
        `--config=${kwokConfigFile(layout)}`,
        '--manage-all-nodes=false',
        `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=fake`,
        `--cidr=${POD_CIDR}`,
        '--node-ip=127.0.0.1',
        '--node-lease-duration-seconds=40',
        `--server-address=127.0.0.1:${ports.kwok}`,
      ],
      health: `http://127.0.0.1:${ports.kwok}/healthz`,
    },
  ];
}
