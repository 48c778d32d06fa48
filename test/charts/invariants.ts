// Invariants of a synthesized bundle, as functions that return violations (empty = holds). Tests
// run them on both profiles and on deliberately broken copies, to prove each check can fail.
// Expectations come from the catalog directly, not from the constructs that rendered the objects.
import {
  CLUSTER_CONTAINER_PORT,
  CLUSTER_SERVICE_PORT,
  NAMESPACE,
  SERVICE_NAMES,
  SERVICES,
} from '../../catalog/services.ts';
import type { ServiceName } from '../../catalog/services.ts';
import { ingressRoutesOf } from '../../charts-src/config/ingress.ts';
import type { Profile } from '../../charts-src/config/profiles.ts';
import { quantity } from '../../charts-src/lib/hardening.ts';
import type { K8sObject } from './synth.ts';
import { matches, ofKind } from './synth.ts';

type Json = Record<string, unknown>;
interface Container extends Json {
  name: string;
  image: string;
  imagePullPolicy?: string;
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  ports?: { containerPort: number; name?: string }[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Json & { capabilities?: { drop?: string[] }; seccompProfile?: { type?: string } };
  readinessProbe?: Json;
  livenessProbe?: Json;
  startupProbe?: Json;
}
interface Volume {
  name: string;
  secret?: { secretName: string; items?: { key: string; path: string }[] };
}
interface PodTemplate {
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Json & { containers: Container[]; serviceAccountName?: string; securityContext?: Json };
}

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'Job'];
/** Istio's pilot-agent port (merged metrics): served by the sidecar, not by a pod container. */
const ISTIO_AGENT_PORT = 15020;

export function workloads(objects: K8sObject[]): K8sObject[] {
  return objects.filter((o) => WORKLOAD_KINDS.includes(o.kind));
}

export function template(workload: K8sObject): PodTemplate {
  return (workload.spec as { template: PodTemplate }).template;
}

function spec<T = Json>(o: K8sObject): T {
  return o.spec as T;
}

const id = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;

/** Services select pods, and every Service port targets a port those pods declare. */
export function checkServiceSelectors(objects: K8sObject[]): string[] {
  const out: string[] = [];
  const pods = workloads(objects).map(template);
  for (const svc of ofKind(objects, 'Service')) {
    const s = spec<{ selector?: Record<string, string>; ports: { port: number; targetPort?: number }[] }>(
      svc,
    );
    if (!s.selector || Object.keys(s.selector).length === 0) {
      out.push(`${id(svc)} has no selector`);
      continue;
    }
    const selected = pods.filter((p) => matches(s.selector ?? {}, p.metadata.labels));
    if (selected.length === 0) out.push(`${id(svc)} selects no pods`);
    for (const port of s.ports) {
      const target = port.targetPort ?? port.port;
      if (target === ISTIO_AGENT_PORT) continue;
      for (const pod of selected) {
        const declared = pod.spec.containers.flatMap((c) => c.ports ?? []).map((p) => p.containerPort);
        if (!declared.includes(target))
          out.push(`${id(svc)} port ${port.port} targets ${target}, not a pod port`);
      }
    }
  }
  return out;
}

/** Each HPA targets an existing Deployment that leaves replicas to it; one HPA per Deployment. */
export function checkAutoscalers(objects: K8sObject[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const hpa of ofKind(objects, 'HorizontalPodAutoscaler')) {
    const ref = spec<{ scaleTargetRef: { kind: string; name: string } }>(hpa).scaleTargetRef;
    const target = objects.find((o) => o.kind === ref.kind && o.metadata.name === ref.name);
    if (ref.kind !== 'Deployment' || !target) {
      out.push(`${id(hpa)} targets missing ${ref.kind}/${ref.name}`);
      continue;
    }
    if (spec(target).replicas !== undefined) out.push(`${id(hpa)} target ${ref.name} sets replicas`);
    if (seen.has(ref.name)) out.push(`${ref.name} has two HPAs`);
    seen.add(ref.name);
  }
  for (const vpa of ofKind(objects, 'VerticalPodAutoscaler')) {
    const ref = spec<{ targetRef: { kind: string; name: string } }>(vpa).targetRef;
    if (!objects.some((o) => o.kind === ref.kind && o.metadata.name === ref.name)) {
      out.push(`${id(vpa)} targets missing ${ref.kind}/${ref.name}`);
    }
  }
  return out;
}

interface HttpRoute {
  route: { destination: { host: string; subset?: string }; weight?: number }[];
}

/** Route weights sum to 100; each subset exists in the host's DestinationRule and selects pods. */
export function checkTrafficRouting(objects: K8sObject[]): string[] {
  const out: string[] = [];
  const rules = ofKind(objects, 'DestinationRule').map((dr) =>
    spec<{ host: string; subsets?: { name: string; labels: Record<string, string> }[] }>(dr),
  );
  const pods = workloads(objects).map(template);
  for (const vs of ofKind(objects, 'VirtualService')) {
    for (const [i, route] of (spec<{ http: HttpRoute[] }>(vs).http ?? []).entries()) {
      const total = route.route.reduce(
        (sum, r) => sum + (r.weight ?? (route.route.length === 1 ? 100 : 0)),
        0,
      );
      if (total !== 100) out.push(`${id(vs)} route ${i} weights sum to ${total}`);
      for (const { destination } of route.route) {
        const rule = rules.find((r) => r.host === destination.host);
        if (!rule) {
          out.push(`${id(vs)} routes to ${destination.host} without a DestinationRule`);
          continue;
        }
        const subset = rule.subsets?.find((s) => s.name === destination.subset);
        if (!subset) {
          out.push(
            `${id(vs)} names subset ${String(destination.subset)} missing in ${destination.host}'s rule`,
          );
          continue;
        }
        const app = destination.host.split('.')[0] ?? '';
        if (!pods.some((p) => matches({ app, ...subset.labels }, p.metadata.labels))) {
          out.push(`${id(vs)} subset ${subset.name} of ${destination.host} matches no pods`);
        }
      }
    }
  }
  return out;
}

interface NetpolPeer {
  podSelector?: { matchLabels?: Record<string, string> };
  namespaceSelector?: { matchLabels?: Record<string, string> };
}
interface NetpolRule {
  from?: NetpolPeer[];
  to?: NetpolPeer[];
  ports?: { port: number; protocol?: string }[];
}

/** A readable form of a peer: `app:<name>` in our namespace, or `ns:<namespace>[/k=v]`. */
export function describePeer(peer: NetpolPeer): string {
  const pods = peer.podSelector?.matchLabels ?? {};
  if (!peer.namespaceSelector)
    return Object.keys(pods).length === 1 && pods.app ? `app:${pods.app}` : `pods:${JSON.stringify(pods)}`;
  const ns = peer.namespaceSelector.matchLabels?.['kubernetes.io/metadata.name'] ?? '?';
  const podPart = Object.entries(pods)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return podPart ? `ns:${ns}/${podPart}` : `ns:${ns}`;
}

function peersOf(rules: NetpolRule[] | undefined, side: 'from' | 'to'): string[] {
  return (rules ?? []).flatMap((r) =>
    (r[side] ?? []).map((p) => `${describePeer(p)}:${(r.ports ?? []).map((x) => x.port).join('+')}`),
  );
}

const sorted = (xs: string[]) => [...xs].sort();

/** The catalog's call graph, from the catalog itself. */
function expectedCallers(name: ServiceName): ServiceName[] {
  return SERVICE_NAMES.filter((c) => SERVICES[c].calls.some((call) => call.to === name));
}

/** NetworkPolicies allow exactly the call graph plus monitoring, ingress, DNS, istiod, postgres and traces. */
export function checkNetworkPolicies(objects: K8sObject[]): string[] {
  const out: string[] = [];
  const policies = ofKind(objects, 'NetworkPolicy');
  const deny = policies.find((p) => Object.keys(spec<{ podSelector: Json }>(p).podSelector).length === 0);
  const denyTypes = deny ? (spec<{ policyTypes?: string[] }>(deny).policyTypes ?? []) : [];
  if (
    !deny ||
    !denyTypes.includes('Ingress') ||
    !denyTypes.includes('Egress') ||
    spec(deny).ingress ||
    spec(deny).egress
  ) {
    out.push('no default-deny policy for ingress and egress');
  }
  const app = String(CLUSTER_CONTAINER_PORT);
  const common = ['ns:kube-system/k8s-app=kube-dns:53+53', 'ns:istio-system:15012', 'app:jaeger:4318'];
  for (const name of SERVICE_NAMES) {
    const policy = policies.find(
      (p) =>
        matches(
          { app: name },
          spec<{ podSelector: { matchLabels?: Record<string, string> } }>(p).podSelector.matchLabels,
        ) &&
        Object.keys(spec<{ podSelector: { matchLabels?: Json } }>(p).podSelector.matchLabels ?? {}).length ===
          1,
    );
    if (!policy) {
      out.push(`no NetworkPolicy selects app=${name}`);
      continue;
    }
    const s = spec<{ ingress?: NetpolRule[]; egress?: NetpolRule[] }>(policy);
    const ingress = [
      ...expectedCallers(name).map((c) => `app:${c}:${app}`),
      ...(ingressRoutesOf(name).length > 0 ? [`ns:istio-ingress/istio=ingressgateway:${app}`] : []),
      'ns:monitoring:15020',
    ];
    const egress = [
      ...SERVICES[name].calls.map((c) => `app:${c.to}:${app}`),
      ...(SERVICES[name].stateful ? ['app:postgres:5432'] : []),
      ...common,
    ];
    const actualIn = peersOf(s.ingress, 'from');
    const actualOut = peersOf(s.egress, 'to');
    if (JSON.stringify(sorted(actualIn)) !== JSON.stringify(sorted(ingress))) {
      out.push(`${name} ingress ${JSON.stringify(sorted(actualIn))} != ${JSON.stringify(sorted(ingress))}`);
    }
    if (JSON.stringify(sorted(actualOut)) !== JSON.stringify(sorted(egress))) {
      out.push(`${name} egress ${JSON.stringify(sorted(actualOut))} != ${JSON.stringify(sorted(egress))}`);
    }
  }
  // Every pod of the namespace is covered by an allow policy of its own (default deny alone = dead).
  for (const w of workloads(objects)) {
    const labels = template(w).metadata.labels;
    const own = policies.some((p) => {
      const sel =
        spec<{ podSelector: { matchLabels?: Record<string, string> } }>(p).podSelector.matchLabels ?? {};
      return Object.keys(sel).length > 0 && matches(sel, labels);
    });
    if (!own) out.push(`${id(w)} pods have no allow policy`);
  }
  return out;
}

/** AuthorizationPolicies admit exactly the callers' service accounts, plus the ingress gateway for
 * the paths and methods config/ingress.ts exposes (and nothing else from it). */
export function checkAuthorizationPolicies(objects: K8sObject[]): string[] {
  const out: string[] = [];
  const saOf = (app: string) => {
    const d = ofKind(objects, 'Deployment').find((o) => template(o).metadata.labels?.app === app);
    return d ? template(d).spec.serviceAccountName : undefined;
  };
  const gateway = 'cluster.local/ns/istio-ingress/sa/istio-ingressgateway';
  type Rule = { from?: { source: { principals?: string[] } }[]; to?: { operation: Json }[]; when?: unknown };
  for (const name of SERVICE_NAMES) {
    const policy = ofKind(objects, 'AuthorizationPolicy').find((p) =>
      matches(
        { app: name },
        spec<{ selector: { matchLabels: Record<string, string> } }>(p).selector.matchLabels,
      ),
    );
    if (!policy) {
      out.push(`no AuthorizationPolicy for ${name}`);
      continue;
    }
    const s = spec<{ action?: string; rules: Rule[] }>(policy);
    if (s.action !== 'ALLOW') out.push(`${name} AuthorizationPolicy is not ALLOW`);
    const principalsOf = (r: Rule) => (r.from ?? []).flatMap((f) => f.source.principals ?? []);
    const callerRules = s.rules.filter((r) => !principalsOf(r).includes(gateway));
    const gatewayRules = s.rules.filter((r) => principalsOf(r).includes(gateway));
    const callers = callerRules.flatMap(principalsOf);
    const expected = expectedCallers(name).map((c) => `cluster.local/ns/${NAMESPACE}/sa/${saOf(c) ?? '?'}`);
    if (JSON.stringify(sorted(callers)) !== JSON.stringify(sorted(expected))) {
      out.push(
        `${name} principals ${JSON.stringify(sorted(callers))} != ${JSON.stringify(sorted(expected))}`,
      );
    }
    if (callerRules.some((r) => r.to || r.when)) out.push(`${name} caller rule is narrowed unexpectedly`);
    const routes = ingressRoutesOf(name);
    if (gatewayRules.length !== routes.length) out.push(`${name} has ${gatewayRules.length} gateway rules`);
    for (const [i, route] of routes.entries()) {
      const rule = gatewayRules[i];
      if (!rule) continue;
      if (principalsOf(rule).length !== 1) out.push(`${name} gateway rule admits more than the gateway`);
      const op = rule.to?.[0]?.operation ?? {};
      const paths = route.paths ? [...route.paths] : undefined;
      if (
        JSON.stringify(op.paths) !== JSON.stringify(paths) ||
        JSON.stringify(op.methods) !== JSON.stringify(route.methods)
      ) {
        out.push(
          `${name} gateway rule ${JSON.stringify(op)} != route ${route.prefix} ${String(route.methods)}`,
        );
      }
    }
  }
  const peerAuth = ofKind(objects, 'PeerAuthentication');
  if (
    !peerAuth.some(
      (p) =>
        spec<{ mtls?: { mode?: string }; selector?: unknown }>(p).mtls?.mode === 'STRICT' &&
        !spec(p).selector,
    )
  ) {
    out.push('no namespace-wide STRICT PeerAuthentication');
  }
  return out;
}

/** Every container: probes (long-running pods), requests and limits, non-root with uid and gid
 * above 10000 (nobody's on the node), read-only root fs, no capabilities, no privilege escalation,
 * RuntimeDefault seccomp. */
export function checkContainers(objects: K8sObject[]): string[] {
  const out: string[] = [];
  for (const w of workloads(objects)) {
    for (const c of template(w).spec.containers) {
      const where = `${id(w)}/${c.name}`;
      if (w.kind !== 'Job' && (!c.readinessProbe || !c.livenessProbe)) out.push(`${where} lacks probes`);
      for (const kind of ['requests', 'limits'] as const) {
        for (const r of ['cpu', 'memory', 'ephemeral-storage'])
          if (!c.resources?.[kind]?.[r]) out.push(`${where} has no ${r} ${kind}`);
      }
      const sc = c.securityContext ?? {};
      if (sc.runAsNonRoot !== true) out.push(`${where} may run as root`);
      if (sc.readOnlyRootFilesystem !== true) out.push(`${where} has a writable root fs`);
      if (sc.allowPrivilegeEscalation !== false) out.push(`${where} allows privilege escalation`);
      if (!sc.capabilities?.drop?.includes('ALL')) out.push(`${where} keeps capabilities`);
      if (sc.seccompProfile?.type !== 'RuntimeDefault') out.push(`${where} has no RuntimeDefault seccomp`);
      if (/:latest$|^[^:]+$/.test(c.image)) out.push(`${where} image ${c.image} is not pinned`);
      const pod = (template(w).spec.securityContext ?? {}) as Json;
      const [uid, gid] = [sc.runAsUser ?? pod.runAsUser, sc.runAsGroup ?? pod.runAsGroup];
      if (!(Number(uid) > 10000 && Number(gid) > 10000))
        out.push(`${where} runs as uid/gid ${String(uid)}/${String(gid)}, not above 10000`);
    }
  }
  return out;
}

/** The namespace enforces Pod Security `restricted` (audit and warn too), each pinned to a version,
 * and every pod sets RuntimeDefault seccomp and non-root at pod level, which containers injected at
 * admission (Istio's) inherit. The API server's own check: test/cluster/pod-security.cluster.test.ts. */
export function checkPodSecurity(objects: K8sObject[], version: string): string[] {
  const out: string[] = [];
  const namespaces = ofKind(objects, 'Namespace');
  if (namespaces.length === 0) out.push('no Namespace');
  for (const ns of namespaces) {
    for (const mode of ['enforce', 'audit', 'warn']) {
      const labels = ns.metadata.labels ?? {};
      if (labels[`pod-security.kubernetes.io/${mode}`] !== 'restricted')
        out.push(`${id(ns)} does not ${mode} restricted`);
      if (labels[`pod-security.kubernetes.io/${mode}-version`] !== version)
        out.push(`${id(ns)} ${mode} is not pinned to ${version}`);
    }
  }
  for (const w of workloads(objects)) {
    const sc = (template(w).spec.securityContext ?? {}) as Json & { seccompProfile?: { type?: string } };
    if (sc.seccompProfile?.type !== 'RuntimeDefault') out.push(`${id(w)} pod has no RuntimeDefault seccomp`);
    if (sc.runAsNonRoot !== true) out.push(`${id(w)} pod may run as root`);
  }
  return out;
}

function env(c: Container, name: string): string | undefined {
  return c.env?.find((e) => e.name === name)?.value;
}

/** A stateful service reaches the postgres Service with a URL that holds no password, and reads the
 * password from a file of a read-only secret volume (PGPASSWORD_FILE); a stateless one has neither. */
function checkDatabaseAccess(
  t: PodTemplate,
  c: Container,
  where: string,
  stateful: boolean,
  services: K8sObject[],
): string[] {
  const url = env(c, 'DATABASE_URL');
  const file = env(c, 'PGPASSWORD_FILE');
  if (!stateful) return url || file ? [`${where} is stateless but has database settings`] : [];
  const out: string[] = [];
  const parsed = url ? new URL(url) : undefined;
  const host = parsed?.hostname.split('.')[0];
  if (!parsed?.protocol.startsWith('postgres') || !services.some((s) => s.metadata.name === host))
    out.push(`${where} DATABASE_URL ${String(url)} is not a postgres URL of a Service`);
  if (parsed?.password) out.push(`${where} DATABASE_URL carries a password`);
  const mount = c.volumeMounts?.find((m) => file?.startsWith(`${m.mountPath}/`));
  const volume = (t.spec.volumes as Volume[] | undefined)?.find((v) => v.name === mount?.name);
  const key = file?.slice((mount?.mountPath.length ?? 0) + 1);
  if (!mount || mount.readOnly !== true || !volume?.secret?.items?.some((i) => i.path === key))
    out.push(`${where} PGPASSWORD_FILE=${String(file)} is not a file of a read-only secret volume`);
  return out;
}

/** Ports, downstream URLs, versions and secrets agree with the catalog and the runtime contract. */
export function checkServiceContract(objects: K8sObject[]): string[] {
  const out: string[] = [];
  const services = ofKind(objects, 'Service');
  for (const d of ofKind(objects, 'Deployment')) {
    const t = template(d);
    const app = t.metadata.labels?.app as ServiceName | undefined;
    if (!app || !SERVICE_NAMES.includes(app)) continue;
    const spec_ = SERVICES[app];
    const [c] = t.spec.containers;
    if (!c) continue;
    const where = id(d);
    const version = t.metadata.labels?.version;
    if (!c.ports?.some((p) => p.containerPort === CLUSTER_CONTAINER_PORT))
      out.push(`${where} does not expose ${CLUSTER_CONTAINER_PORT}`);
    if (env(c, 'PORT') !== String(CLUSTER_CONTAINER_PORT))
      out.push(`${where} PORT is not ${CLUSTER_CONTAINER_PORT}`);
    if (env(c, 'HOST') !== '0.0.0.0') out.push(`${where} HOST is not 0.0.0.0`);
    if (env(c, 'SERVICE_VERSION') !== version)
      out.push(`${where} SERVICE_VERSION != version label ${String(version)}`);
    if (!(c.image.split('@')[0] ?? '').endsWith(`:${String(version)}`))
      out.push(`${where} image ${c.image} is not version ${String(version)}`);
    if (JSON.stringify(c.command ?? []) !== JSON.stringify(['node', `build/services/${app}/main.js`]))
      out.push(`${where} command is wrong`);
    for (const call of spec_.calls) {
      const envName = `${call.to.toUpperCase().replace(/-/g, '_')}_URL`;
      const url = env(c, envName);
      const host = url ? new URL(url) : undefined;
      const target = services.find(
        (s) => `${s.metadata.name}.${NAMESPACE}.svc.cluster.local` === host?.hostname,
      );
      const port = host?.port === '' ? 80 : Number(host?.port);
      const svcPorts = target ? spec<{ ports: { port: number }[] }>(target).ports.map((p) => p.port) : [];
      if (!target || port !== CLUSTER_SERVICE_PORT || !svcPorts.includes(CLUSTER_SERVICE_PORT)) {
        out.push(
          `${where} ${envName}=${String(url)} does not reach Service ${call.to}:${CLUSTER_SERVICE_PORT}`,
        );
      }
    }
    out.push(...checkDatabaseAccess(t, c, where, spec_.stateful, services));
    const otel = env(c, 'OTEL_EXPORTER_OTLP_ENDPOINT');
    const otelUrl = otel ? new URL(otel) : undefined;
    const collector = services.find(
      (s) => `${s.metadata.name}.${NAMESPACE}.svc.cluster.local` === otelUrl?.hostname,
    );
    if (
      !collector ||
      !spec<{ ports: { port: number }[] }>(collector).ports.some((p) => p.port === Number(otelUrl?.port))
    ) {
      out.push(`${where} OTEL endpoint ${String(otel)} is not a Service port`);
    }
  }
  for (const name of SERVICE_NAMES) {
    const svc = services.find((s) => s.metadata.name === name);
    const http =
      svc &&
      spec<{ ports: { name?: string; port: number; targetPort?: number }[] }>(svc).ports.find(
        (p) => p.name === 'http',
      );
    if (!http || http.port !== CLUSTER_SERVICE_PORT || http.targetPort !== CLUSTER_CONTAINER_PORT) {
      out.push(`Service ${name} does not map ${CLUSTER_SERVICE_PORT} -> ${CLUSTER_CONTAINER_PORT}`);
    }
  }
  return out;
}

export interface Requests {
  cpuMillis: number;
  memoryMiB: number;
}

/** Pods each workload runs at the low and high end of its scaling range. */
function replicaRange(objects: K8sObject[], w: K8sObject): { min: number; max: number } {
  const hpa = ofKind(objects, 'HorizontalPodAutoscaler').find(
    (h) => spec<{ scaleTargetRef: { name: string } }>(h).scaleTargetRef.name === w.metadata.name,
  );
  if (hpa) {
    const s = spec<{ minReplicas?: number; maxReplicas: number }>(hpa);
    return { min: s.minReplicas ?? 1, max: s.maxReplicas };
  }
  const replicas = w.kind === 'Job' ? 1 : ((spec(w).replicas as number | undefined) ?? 1);
  return { min: replicas, max: replicas };
}

/** Requests of one pod, including its Istio sidecar unless injection is off. */
export function podRequests(t: PodTemplate): Requests {
  let cpuMillis = 0;
  let memoryMiB = 0;
  for (const c of t.spec.containers) {
    cpuMillis += quantity.cpuMillis(c.resources?.requests?.cpu ?? '0');
    memoryMiB += quantity.memoryMiB(c.resources?.requests?.memory ?? '0Mi');
  }
  if (t.metadata.labels?.['sidecar.istio.io/inject'] !== 'false') {
    // Istio's injector defaults are 100m / 128Mi unless the pod sizes its sidecar.
    cpuMillis += quantity.cpuMillis(t.metadata.annotations?.['sidecar.istio.io/proxyCPU'] ?? '100m');
    memoryMiB += quantity.memoryMiB(t.metadata.annotations?.['sidecar.istio.io/proxyMemory'] ?? '128Mi');
  }
  return { cpuMillis, memoryMiB };
}

/** Total requests with every workload at its minimum and at its maximum replica count; one load
 * Job (the biggest) runs alongside, as during `make load`. */
export function totalRequests(main: K8sObject[], load: K8sObject[]): { atMin: Requests; atMax: Requests } {
  const atMin = { cpuMillis: 0, memoryMiB: 0 };
  const atMax = { cpuMillis: 0, memoryMiB: 0 };
  for (const w of workloads(main)) {
    const pod = podRequests(template(w));
    const { min, max } = replicaRange(main, w);
    atMin.cpuMillis += pod.cpuMillis * min;
    atMin.memoryMiB += pod.memoryMiB * min;
    atMax.cpuMillis += pod.cpuMillis * max;
    atMax.memoryMiB += pod.memoryMiB * max;
  }
  const jobs = workloads(load).map((j) => podRequests(template(j)));
  const job = jobs.reduce((a, b) => (b.cpuMillis > a.cpuMillis ? b : a), { cpuMillis: 0, memoryMiB: 0 });
  for (const t of [atMin, atMax]) {
    t.cpuMillis += job.cpuMillis;
    t.memoryMiB += job.memoryMiB;
  }
  return { atMin, atMax };
}

export function checkBudget(profile: Profile, main: K8sObject[], load: K8sObject[]): string[] {
  if (!profile.requestBudget) return [];
  const { atMax } = totalRequests(main, load);
  const budget = profile.requestBudget;
  const out: string[] = [];
  if (atMax.cpuMillis > budget.cpuMillis)
    out.push(`CPU requests ${atMax.cpuMillis}m exceed ${budget.cpuMillis}m`);
  if (atMax.memoryMiB > budget.memoryMiB)
    out.push(`memory requests ${atMax.memoryMiB}Mi exceed ${budget.memoryMiB}Mi`);
  return out;
}

/** Production: two or more pods for every service track, and PDBs that still let a node drain. */
export function checkProductionAvailability(objects: K8sObject[]): string[] {
  const out: string[] = [];
  for (const d of ofKind(objects, 'Deployment')) {
    const app = template(d).metadata.labels?.app as ServiceName | undefined;
    if (!app || !SERVICE_NAMES.includes(app)) continue;
    const { min } = replicaRange(objects, d);
    if (min < 2) out.push(`${id(d)} runs ${min} replica(s) at minimum`);
  }
  out.push(...checkDrainable(objects));
  return out;
}

/** A PDB must allow at least one eviction when all pods are healthy, or `kubectl drain` hangs. */
export function checkDrainable(objects: K8sObject[]): string[] {
  const out: string[] = [];
  for (const pdb of ofKind(objects, 'PodDisruptionBudget')) {
    const s = spec<{
      minAvailable?: number;
      maxUnavailable?: number;
      selector: { matchLabels: Record<string, string> };
    }>(pdb);
    const covered = workloads(objects).filter((w) =>
      matches(s.selector.matchLabels, template(w).metadata.labels),
    );
    if (covered.length === 0) out.push(`${id(pdb)} selects no pods`);
    const pods = covered.reduce((n, w) => n + replicaRange(objects, w).min, 0);
    const allowed = s.maxUnavailable !== undefined ? s.maxUnavailable : pods - (s.minAvailable ?? pods);
    if (allowed < 1) out.push(`${id(pdb)} allows no eviction with ${pods} pod(s)`);
  }
  return out;
}
