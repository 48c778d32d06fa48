// The promoter's cluster backends, through @kubernetes/client-node with the user's kubeconfig:
//  - live state: the service's DestinationRule (stable/canary versions) and every VirtualService that
//    splits its traffic (the mesh one and the gateway's), with the canary weight they agree on;
//  - weights: per step, a server-side apply of each VirtualService's spec.http with the new split, as
//    field manager mmf-canary-promoter, forced: Istio's CRD makes spec.http an atomic list, so the
//    promoter takes the routing table over from `make deploy`, which then leaves it alone
//    (docs/cluster.md, "Who owns the VirtualService weights");
//  - Prometheus: instant queries through the API server's service proxy (no port-forward), or a URL.
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import {
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { FIELD_MANAGERS } from '../../catalog/cluster.ts';
import type { ServiceName } from '../../catalog/services.ts';
import { SUBSET } from '../../charts-src/constructs/traffic-routing.ts';
import { PROMETHEUS_SERVICE } from '../../charts-src/platform/addon-values.ts';
import type { Sample } from '../observe/prometheus.ts';
import type { InstantQuery, Versions } from './prometheus-metrics.ts';
import type { WeightsBackend } from './promotion.ts';
import {
  canaryWeightOf,
  parseVirtualService,
  withCanaryWeight,
  type CanarySubsets,
  type VirtualService,
} from './virtual-service.ts';

const ISTIO_API = 'networking.istio.io/v1';

export interface ClusterOptions {
  /** Path of a kubeconfig; default: KUBECONFIG / ~/.kube/config. */
  readonly kubeconfig?: string;
  /** Context to use; default: the kubeconfig's current context. */
  readonly context?: string;
}

export interface Cluster {
  readonly kubeConfig: KubeConfig;
  readonly objects: KubernetesObjectApi;
}

export function connect(opts: ClusterOptions = {}): Cluster {
  const kubeConfig = new KubeConfig();
  try {
    if (opts.kubeconfig) kubeConfig.loadFromFile(opts.kubeconfig);
    else kubeConfig.loadFromDefault();
  } catch (err) {
    const where = opts.kubeconfig ?? process.env.KUBECONFIG ?? '~/.kube/config';
    throw new Error(
      `cannot read the kubeconfig ${where} (make kind-up creates the kind cluster): ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (opts.context) kubeConfig.setCurrentContext(opts.context);
  if (!kubeConfig.getCurrentCluster()) {
    throw new Error(
      `no cluster for context "${kubeConfig.getCurrentContext()}" in the kubeconfig (make kind-up creates it)`,
    );
  }
  return { kubeConfig, objects: KubernetesObjectApi.makeApiClient(kubeConfig) };
}

/** A failed API call as one readable line (status and the server's message). */
async function api<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const e = err as { code?: number; body?: unknown; message?: string };
    const body = typeof e.body === 'string' ? e.body : JSON.stringify(e.body ?? '');
    const message = /"message":"([^"]*)"/.exec(body)?.[1] ?? e.message ?? String(err);
    throw new Error(`${what}: ${e.code ? `HTTP ${e.code}: ` : ''}${message}`, { cause: err });
  }
}

export interface LiveRouting {
  readonly versions: Versions;
  readonly split: CanarySubsets;
  /** Names of the VirtualServices that split the service's traffic. */
  readonly virtualServices: readonly string[];
  readonly weight: number;
}

interface IstioObject extends KubernetesObject {
  spec?: { host?: string; subsets?: { name: string; labels?: Record<string, string> }[]; http?: unknown[] };
}

const asVirtualService = (o: IstioObject, namespace: string): VirtualService =>
  parseVirtualService({
    apiVersion: ISTIO_API,
    kind: 'VirtualService',
    metadata: { name: o.metadata?.name, namespace },
    spec: o.spec,
  });

async function readVirtualService(c: Cluster, namespace: string, name: string): Promise<VirtualService> {
  const header = { apiVersion: ISTIO_API, kind: 'VirtualService', metadata: { name, namespace } };
  return asVirtualService(
    await api(`reading VirtualService ${namespace}/${name}`, () => c.objects.read<IstioObject>(header)),
    namespace,
  );
}

/** The live routing of `service`: versions from its DestinationRule, the split routes' weight. */
export async function readLiveRouting(
  c: Cluster,
  namespace: string,
  service: ServiceName,
): Promise<LiveRouting> {
  const header = { apiVersion: ISTIO_API, kind: 'DestinationRule', metadata: { name: service, namespace } };
  const rule = await api(`reading DestinationRule ${namespace}/${service}`, () =>
    c.objects.read<IstioObject>(header),
  );
  const version = (subset: string): string => {
    const v = rule.spec?.subsets?.find((s) => s.name === subset)?.labels?.version;
    if (!v)
      throw new Error(
        `DestinationRule ${namespace}/${service} has no "${subset}" subset with a version label: nothing to promote`,
      );
    return v;
  };
  const host = rule.spec?.host;
  if (!host) throw new Error(`DestinationRule ${namespace}/${service} names no host`);
  const versions = { stable: version(SUBSET.stable), canary: version(SUBSET.canary) };
  const split: CanarySubsets = { host, ...SUBSET };
  const list = await api(`listing VirtualServices in ${namespace}`, () =>
    c.objects.list<IstioObject>(ISTIO_API, 'VirtualService', namespace),
  );
  const splitting = list.items.filter((o) => JSON.stringify(o.spec?.http ?? []).includes(`"host":"${host}"`));
  const weights = new Map<string, number>();
  for (const o of splitting) {
    const vs = asVirtualService(o, namespace);
    try {
      weights.set(vs.metadata.name, canaryWeightOf(vs, split));
    } catch {
      // routes to the host without a stable/canary split (e.g. stable only): not the promoter's
    }
  }
  if (weights.size === 0)
    throw new Error(`no VirtualService in ${namespace} splits ${host} between stable and canary`);
  const distinct = [...new Set(weights.values())];
  if (distinct.length > 1) {
    const each = [...weights].map(([n, w]) => `${n} ${w} %`).join(', ');
    throw new Error(
      `the VirtualServices disagree on the canary weight (${each}): make deploy RESET_ROUTES=1 sets the chart's split`,
    );
  }
  return { versions, split, virtualServices: [...weights.keys()], weight: distinct[0] as number };
}

/** What the promoter applies to one VirtualService: only its routing, with the new split. */
export function applyConfiguration(
  vs: VirtualService,
  split: CanarySubsets,
  weight: number,
): KubernetesObject {
  return {
    apiVersion: vs.apiVersion,
    kind: vs.kind,
    metadata: {
      name: vs.metadata.name,
      ...(vs.metadata.namespace ? { namespace: vs.metadata.namespace } : {}),
    },
    spec: { http: withCanaryWeight(vs, split, weight).spec.http },
  } as KubernetesObject;
}

/** Weights through server-side apply of every splitting VirtualService (read, re-split, apply). */
export function clusterWeights(c: Cluster, namespace: string, routing: LiveRouting): WeightsBackend {
  const readAll = () => Promise.all(routing.virtualServices.map((n) => readVirtualService(c, namespace, n)));
  return {
    read: async () => {
      const weights = new Set((await readAll()).map((vs) => canaryWeightOf(vs, routing.split)));
      if (weights.size !== 1)
        throw new Error(`the VirtualServices disagree on the canary weight (${[...weights].join(', ')} %)`);
      return [...weights][0] as number;
    },
    write: async (weight) => {
      for (const vs of await readAll()) {
        const body = applyConfiguration(vs, routing.split, weight);
        await api(`applying the weights to VirtualService ${namespace}/${vs.metadata.name}`, () =>
          c.objects.patch(
            body,
            undefined,
            undefined,
            FIELD_MANAGERS.promoter,
            true,
            PatchStrategy.ServerSideApply,
          ),
        );
      }
    },
  };
}

interface PrometheusAnswer {
  /** 'success' | 'error' from Prometheus; 'Failure' from the API server (no such service, ...). */
  status: string;
  error?: string;
  message?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

/** An instant vector from a Prometheus API answer; anything else is an error naming the query. */
export function samplesOf(answer: PrometheusAnswer, expr: string): Sample[] {
  if (answer.status !== 'success' || !answer.data)
    throw new Error(`prometheus: ${answer.error ?? answer.message ?? answer.status} (query: ${expr})`);
  if (answer.data.resultType !== 'vector')
    throw new Error(`prometheus: expected a vector, got ${answer.data.resultType} (query: ${expr})`);
  return answer.data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
}

function getJson(url: URL, options: RequestOptions): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { ...options, method: 'GET', timeout: 15_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch {
          reject(
            new Error(`HTTP ${res.statusCode} from ${url.origin}${url.pathname}: ${body.slice(0, 200)}`),
          );
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url.origin} within 15 s`)));
    req.on('error', reject);
    req.end();
  });
}

/** Prometheus queries, at `url` when given, else through the API server's proxy to the cluster's. */
export function clusterPrometheus(c: Cluster, url?: string): { query: InstantQuery; endpoint: string } {
  const { name, namespace, port } = PROMETHEUS_SERVICE;
  const server = c.kubeConfig.getCurrentCluster()?.server ?? '';
  const base = url ?? `${server}/api/v1/namespaces/${namespace}/services/${name}:${port}/proxy`;
  const query: InstantQuery = async (expr) => {
    const target = new URL(`${base.replace(/\/$/, '')}/api/v1/query`);
    target.searchParams.set('query', expr);
    const options: RequestOptions = {};
    if (!url) await c.kubeConfig.applyToHTTPSOptions(options);
    return samplesOf((await getJson(target, options)) as PrometheusAnswer, expr);
  };
  return { query, endpoint: url ?? `${namespace}/${name}:${port} through the API server proxy` };
}
