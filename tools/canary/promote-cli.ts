// make promote: walks the canary through the catalog's steps on a cluster, judging every interval
// from Prometheus, and rolls back, halts or promotes (docs/canary.md). Exit code: 0 promoted,
// 1 rolled back, halted or failed, 2 usage. Settings (environment, set by mk/canary.mk):
//   PROFILE       kind | production: the interval and soak (charts-src/config/profiles.ts)
//   KUBE_CONTEXT  the kubeconfig context (KUBECONFIG picks the file)
//   DRY_RUN=1     print the plan, the weight patches and the queries; touch no cluster
//   PROMETHEUS_URL  query this Prometheus instead of the cluster's (through the API server proxy)
//   CANARY_NAMESPACE, CANARY_SERVICE  default: the catalog's namespace, petstore
import { join } from 'node:path';
import { FIELD_MANAGERS } from '../../catalog/cluster.ts';
import { NAMESPACE, SERVICE_NAMES, type ServiceName } from '../../catalog/services.ts';
import { PROFILES, type ProfileName } from '../../charts-src/config/profiles.ts';
import { PROMETHEUS_SERVICE } from '../../charts-src/platform/addon-values.ts';
import { ROOT } from '../stack/stack.ts';
import { chartRouting } from './chart-routing.ts';
import {
  applyConfiguration,
  clusterPrometheus,
  clusterWeights,
  connect,
  readLiveRouting,
} from './cluster.ts';
import { planFor, type Plan } from './plan.ts';
import { appSource, meshSource, prometheusMetrics, type MetricSource } from './prometheus-metrics.ts';
import { planText, progressLine, realClock, resultLine } from './progress.ts';
import { runPromotion } from './promotion.ts';
import { buildReport, writeReport } from './report.ts';
import { canaryWeightOf, type CanarySubsets, type VirtualService } from './virtual-service.ts';

const env = (name: string): string | undefined => (process.env[name] === '' ? undefined : process.env[name]);
const profileName = (env('PROFILE') ?? 'kind') as ProfileName;
const service = (env('CANARY_SERVICE') ?? 'petstore') as ServiceName;
const namespace = env('CANARY_NAMESPACE') ?? NAMESPACE;
if (!(profileName in PROFILES) || !SERVICE_NAMES.includes(service)) {
  console.error(
    `usage: make promote [DRY_RUN=1] PROFILE=${Object.keys(PROFILES).join('|')} [CANARY_SERVICE=<service>]`,
  );
  process.exit(2);
}
const profile = PROFILES[profileName];

function sources(versions: { stable: string; canary: string }): MetricSource[] {
  return [appSource(service, versions), meshSource(service, namespace, versions)];
}

function splitText(vs: VirtualService, split: CanarySubsets, weight: number): string {
  const http = (applyConfiguration(vs, split, weight) as unknown as VirtualService).spec.http;
  const routes = http.filter(
    (r) => r.route.length === 2 && r.route.some((d) => d.destination.host === split.host),
  );
  return `${vs.metadata.name}: ${routes.map((r) => r.route.map((d) => `${d.destination.subset} ${d.weight}`).join(' / ')).join(', ')}`;
}

/** DRY_RUN=1: everything a run would do, from the synthesized objects; no cluster needed. */
function dryRun(): void {
  const routing = chartRouting(profile, service);
  const weight = canaryWeightOf(routing.virtualServices[0] as VirtualService, routing.split);
  const versions = { stable: routing.subsets.stable ?? '?', canary: routing.subsets.canary ?? '?' };
  const plan: Plan = planFor(profile.canaryAnalysis, { fromWeight: weight });
  console.log(
    `make promote DRY_RUN=1: the plan for the ${profile.name} profile; nothing is read or changed.`,
  );
  console.log(
    `service ${service} in namespace ${namespace}: stable ${versions.stable} → canary ${versions.canary} (DestinationRule subsets as synthesized; a run reads them live)`,
  );
  console.log(
    `VirtualServices splitting its traffic: ${routing.virtualServices.map((v) => v.metadata.name).join(', ')}; canary at ${weight} % as deployed\n`,
  );
  console.log(planText(plan));
  console.log(
    `\nper step: server-side apply of each VirtualService's spec.http (field manager ${FIELD_MANAGERS.promoter}, force):`,
  );
  for (const step of plan.steps) {
    console.log(
      `  ${String(step).padStart(3)} %  ${routing.virtualServices.map((vs) => splitText(vs, routing.split, step)).join('; ')}`,
    );
  }
  console.log(`  rollback: the same at 0 %; halt: back to ${weight} %\n`);
  const prometheus =
    env('PROMETHEUS_URL') ??
    `${PROMETHEUS_SERVICE.namespace}/${PROMETHEUS_SERVICE.name}:${PROMETHEUS_SERVICE.port} through the API server proxy`;
  console.log(
    `every interval, instant queries to Prometheus (${prometheus}); counters per version and target, differenced:`,
  );
  for (const s of sources(versions)) {
    console.log(`  ${s.name}:\n    ${s.requests}\n    ${s.errors}\n    ${s.buckets}`);
  }
  console.log(`\nreport: reports/canary_YYYYMMDD_HHMMSS.json`);
}

async function promote(): Promise<number> {
  const cluster = connect({ ...(env('KUBE_CONTEXT') ? { context: env('KUBE_CONTEXT') } : {}) });
  console.log(
    `cluster: context ${cluster.kubeConfig.getCurrentContext()} (${cluster.kubeConfig.getCurrentCluster()?.server})`,
  );
  const live = await readLiveRouting(cluster, namespace, service);
  console.log(
    `live: ${service} ${live.versions.stable} → ${live.versions.canary}, canary at ${live.weight} % in ${live.virtualServices.join(', ')}`,
  );
  const plan = planFor(profile.canaryAnalysis, { fromWeight: live.weight });
  console.log(planText(plan));
  const prometheus = clusterPrometheus(cluster, env('PROMETHEUS_URL'));
  const metrics = prometheusMetrics(prometheus.query, sources(live.versions), live.versions);
  await metrics.snapshot().catch((err: Error) => {
    throw new Error(
      `Prometheus (${prometheus.endpoint}) cannot be queried, nothing was changed: ${err.message}`,
    );
  });
  const weights = clusterWeights(cluster, namespace, live);
  process.once('SIGINT', () => {
    console.log(`\ninterrupted: canary back to ${live.weight} %`);
    weights.write(live.weight).then(
      () => process.exit(130),
      (err: Error) => (console.error(err.message), process.exit(130)),
    );
  });
  const since = realClock.now();
  const startedAt = new Date();
  const result = await runPromotion(plan, {
    weights,
    metrics,
    clock: realClock,
    onProgress: (e) => console.log(progressLine(e, realClock, since)),
  });
  console.log(resultLine(result));
  const report = buildReport(result, {
    target: 'cluster',
    scenario: null,
    service,
    versions: live.versions,
    plan,
    startedAt,
  });
  console.log(`report: ${await writeReport(join(ROOT, 'reports'), report)}`);
  return result.verdict === 'promoted' ? 0 : 1;
}

if (env('DRY_RUN') && env('DRY_RUN') !== '0') {
  dryRun();
} else {
  try {
    process.exitCode = await promote();
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  }
}
