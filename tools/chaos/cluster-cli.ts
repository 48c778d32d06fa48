// make chaos-cluster [CLUSTER=kind|local] [CHAOS_SECONDS=120]: see cluster.ts. KUBECONFIG and
// --context as `make deploy` uses them; NAMESPACE from the catalog. Exits 1 on any violation or run
// problem, and on any cluster error (a port-forward that cannot connect says kubectl's reason).
import { join } from 'node:path';
import { NAMESPACE } from '../../catalog/services.ts';
import { connect } from '../canary/cluster.ts';
import { ROOT } from '../stack/stack.ts';
import { plan, printSummary } from './chaos.ts';
import { runClusterChaos } from './cluster.ts';

const seconds = Number(process.env.CHAOS_SECONDS ?? 120);
if (!Number.isFinite(seconds) || seconds < 10) {
  console.error('CHAOS_SECONDS must be a number of seconds, at least 10');
  process.exit(2);
}
const context = process.env.KUBE_CONTEXT || undefined;
try {
  const { kubeConfig } = connect(context ? { context } : {});
  const p = plan(seconds, process.env);
  const { report, path } = await runClusterChaos({
    kubeConfig,
    forward: { namespace: process.env.CHAOS_NAMESPACE ?? NAMESPACE, ...(context ? { context } : {}) },
    seconds,
    minKills: p.minKills,
    killEverySeconds: p.killEverySeconds,
    recoveryWindowSeconds: p.recoveryWindowSeconds,
    reportDir: process.env.REPORT_DIR ?? join(ROOT, 'reports'),
  });
  printSummary(report, path);
  process.exit(report.passed ? 0 : 1);
} catch (err) {
  console.error(`chaos-cluster: ${(err as Error).message}`);
  process.exit(1);
}
