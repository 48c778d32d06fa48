// NetworkPolicy rules derived from who talks to whom. Each workload gets one policy that lists
// exactly its allowed peers; the namespace also has a default-deny policy, so anything not listed
// is dropped. Peers are described as data first (tests compare them with the catalog), then
// rendered into networking.k8s.io/v1 objects.
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';
import type { Construct } from 'constructs';
import { typedObject } from '../lib/typed.ts';

export type Peer =
  | { readonly kind: 'app'; readonly app: string }
  | { readonly kind: 'namespace'; readonly namespace: string; readonly podLabels?: Record<string, string> }
  | { readonly kind: 'dns' };

export interface PolicyRule {
  readonly peer: Peer;
  readonly ports: readonly { readonly port: number; readonly protocol: 'TCP' | 'UDP' }[];
}

export interface WorkloadPolicy {
  readonly name: string;
  readonly podSelector: Record<string, string>;
  readonly ingress: readonly PolicyRule[];
  readonly egress: readonly PolicyRule[];
}

const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

function renderPeer(peer: Peer): INetworkPolicyPeer {
  switch (peer.kind) {
    case 'app':
      return { podSelector: { matchLabels: { app: peer.app } } };
    case 'namespace':
      return {
        namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.namespace } },
        ...(peer.podLabels ? { podSelector: { matchLabels: peer.podLabels } } : {}),
      };
    case 'dns':
      return {
        namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'kube-system' } },
        podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      };
  }
}

function renderRule(rule: PolicyRule): { peers: INetworkPolicyPeer[]; ports: INetworkPolicyPort[] } {
  return {
    peers: [renderPeer(rule.peer)],
    ports: rule.ports.map((p) => ({ port: p.port, protocol: p.protocol })),
  };
}

export const DNS_RULE: PolicyRule = {
  peer: { kind: 'dns' },
  ports: [
    { port: 53, protocol: 'UDP' },
    { port: 53, protocol: 'TCP' },
  ],
};

export function renderWorkloadPolicy(scope: Construct, id: string, policy: WorkloadPolicy): void {
  typedObject(
    scope,
    id,
    new NetworkPolicy({
      metadata: { name: policy.name },
      spec: {
        podSelector: { matchLabels: policy.podSelector },
        policyTypes: ['Ingress', 'Egress'],
        // No rules = nothing allowed (policyTypes says so). An empty list is left out rather than
        // rendered as `[]`: the API server stores no empty list, so `[]` would differ from the live
        // object on every apply and bump its generation forever (found by make cluster-test).
        ...(policy.ingress.length
          ? { ingress: policy.ingress.map(renderRule).map((r) => ({ from: r.peers, ports: r.ports })) }
          : {}),
        ...(policy.egress.length
          ? { egress: policy.egress.map(renderRule).map((r) => ({ to: r.peers, ports: r.ports })) }
          : {}),
      },
    }),
  );
}

/** Deny every packet to and from every pod of the namespace unless a policy allows it. */
export function renderDefaultDeny(scope: Construct, id: string): void {
  typedObject(
    scope,
    id,
    new NetworkPolicy({
      metadata: { name: 'default-deny-all' },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    }),
  );
}
