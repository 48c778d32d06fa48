// `make chaos-cluster`: the audit of `make chaos` against the deployed services, with pod deletion as
// the fault (docs/chaos.md, "On a cluster"). A snapshot through port-forwards, then the pod-deletion
// loop for CHAOS_SECONDS while the user's load Job runs, then the recovery window and the same audit,
// in the same report (target "cluster"). Exits 1 on any violation or run problem.
import { cpus, loadavg } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import { audit } from './audit.ts';
import { podChaosLoop, type PodKill } from './pods.ts';
import { withForwards, type ForwardOptions } from './port-forward.ts';
import { readSnapshot, waitTerminal } from './reader.ts';
import { writeReport, type ChaosReport } from './report.ts';
import { VICTIMS } from './victims.ts';

export interface ClusterChaosOptions {
  kubeConfig: KubeConfig;
  forward: ForwardOptions;
  seconds: number;
  minKills: number;
  killEverySeconds: number;
  recoveryWindowSeconds: number;
  reportDir: string;
}

const log = (line: string) => console.log(line);

export async function runClusterChaos(
  o: ClusterChaosOptions,
): Promise<{ report: ChaosReport; path: string }> {
  const started = new Date();
  const { namespace } = o.forward;
  console.log(`Snapshot of order, payment and inventory in ${namespace} (kubectl port-forward)...`);
  const before = await withForwards(o.forward, readSnapshot);
  console.log(
    `   ${before.orders.length} orders, ${before.payments.length} payments, ${before.stock.length} SKUs before the run`,
  );
  console.log(
    `Deleting a pod of ${VICTIMS.join(', ')} about every ${o.killEverySeconds} s for ${o.seconds} s (start the load now: make load-cluster SCENARIO=mixed)`,
  );
  const kills = await podChaosLoop({ ...o, namespace, log });
  console.log(`Waiting up to ${o.recoveryWindowSeconds} s for every order to finish...`);
  const { terminalMs, after } = await withForwards(o.forward, async (urls) => ({
    terminalMs: await waitTerminal(urls, o.recoveryWindowSeconds * 1000),
    after: await readSnapshot(urls),
  }));
  const result = audit({
    before: {
      stock: before.stock,
      order_ids: before.orders.map((x) => x.order_id),
      payment_ids: before.payments.map((x) => x.payment_id),
    },
    after,
  });
  const problems = runProblems(kills, o.minKills);
  const report: ChaosReport = {
    target: 'cluster',
    started_at: started.toISOString(),
    duration_s: Math.round((Date.now() - started.getTime()) / 100) / 10,
    passed: result.violations.length === 0 && problems.length === 0,
    config: {
      chaos_seconds: o.seconds,
      kill_every_s: o.killEverySeconds,
      min_kills: o.minKills,
      recovery_window_s: o.recoveryWindowSeconds,
      order_rate_per_s: null,
      victims: [...VICTIMS],
      service_env: {},
    },
    load: null,
    kills,
    recovery: {
      window_s: o.recoveryWindowSeconds,
      terminal_after_s: terminalMs === undefined ? null : Math.round(terminalMs / 100) / 10,
    },
    orders: result.orders,
    invariants: result.invariants,
    violations: result.violations,
    problems,
    machine: { cpus: cpus().length, load_average: loadavg().map((l) => Math.round(l * 100) / 100) },
  };
  return { report, path: await writeReport(o.reportDir, report) };
}

function runProblems(kills: readonly PodKill[], minKills: number): string[] {
  const problems: string[] = [];
  if (kills.length < minKills) problems.push(`only ${kills.length} pods deleted, fewer than ${minKills}`);
  for (const k of kills.filter((x) => x.replacement_pod === null))
    problems.push(`pod ${k.pod} of ${k.service} was not replaced by a Ready pod`);
  return problems;
}
