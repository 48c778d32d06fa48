// make canary-demo CANARY=good|bad|idle: one promotion on this machine (tools/canary/local-canary.ts),
// with live progress; writes reports/canary_<YYYYMMDD_HHMMSS>.json. Exit code as `make promote`:
// 0 promoted, 1 rolled back or halted, 2 usage.
import { join } from 'node:path';
import { ROOT } from '../stack/stack.ts';
import {
  BAD_CANARY_ERROR_RATE,
  DEMO_TIMING,
  LOCAL_SCENARIOS,
  LocalCanary,
  type LocalScenario,
} from './local-canary.ts';
import { planText, progressLine, realClock, resultLine } from './progress.ts';

const scenario = process.argv[2] as LocalScenario;
if (!LOCAL_SCENARIOS.includes(scenario)) {
  console.error(`usage: make canary-demo CANARY=${LOCAL_SCENARIOS.join('|')}`);
  process.exit(2);
}

const started = Date.now();
console.log(
  `canary demo (${scenario}): starting the stack, petstore stable and canary, Prometheus and the router...`,
);
const local = await LocalCanary.start({
  runDir: join(ROOT, '.run', 'canary-demo'),
  reportsDir: join(ROOT, 'reports'),
});
let stopping = false;
const stop = async (code: number): Promise<never> => {
  if (!stopping) {
    stopping = true;
    await local.stop();
  }
  process.exit(code);
};
process.once('SIGINT', () => void stop(130));
process.once('SIGTERM', () => void stop(143));

try {
  const { stable, canary } = local.versions;
  console.log(
    `router (the gateway VirtualService) ${local.routerUrl}; petstore ${stable} stable, ${canary} canary`,
  );
  console.log(`Prometheus ${local.prometheusUrl}, scraping both versions every second`);
  const what = {
    good: 'a healthy canary',
    bad: `the canary failing ${BAD_CANARY_ERROR_RATE * 100} % of its requests`,
    idle: 'no traffic',
  }[scenario];
  console.log(
    `load: ${scenario === 'idle' ? 'none' : `k6 canary scenario at ${DEMO_TIMING.rps} requests/s`} (${what})`,
  );
  console.log(planText(local.plan(DEMO_TIMING)));
  const since = realClock.now();
  const run = await local.promote(scenario, DEMO_TIMING, (e) =>
    console.log(progressLine(e, realClock, since)),
  );
  console.log(resultLine(run.result));
  console.log(`report: ${run.reportPath} (${((Date.now() - started) / 1000).toFixed(0)} s in all)`);
  await stop(run.result.verdict === 'promoted' ? 0 : 1);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  await stop(1);
}
