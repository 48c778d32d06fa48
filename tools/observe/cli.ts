// make observe: a real Prometheus scraping the running local stack (make up) with the ServiceMonitor's
// target labels and the alert rules of dist/rules, until Ctrl-C. Data stays in .run/prometheus.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Stack } from '../stack/stack.ts';
import { DEFAULT_PROMETHEUS_PORT, ROOT, stackTargets, startPrometheus } from './prometheus.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: String(DEFAULT_PROMETHEUS_PORT) },
    interval: { type: 'string', default: '5' },
  },
});

const RULES_DIR = join(ROOT, 'dist', 'rules');

async function main(): Promise<void> {
  const stack = new Stack();
  const down = [];
  for (const n of stack.services) if (!(await stack.health(n)).ready) down.push(n);
  if (down.length) throw new Error(`not ready: ${down.join(', ')} — start the stack first (make up)`);

  const ruleFiles = existsSync(RULES_DIR)
    ? readdirSync(RULES_DIR)
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => join(RULES_DIR, f))
    : [];
  const prom = await startPrometheus({
    targets: stackTargets(stack),
    port: Number(values.port),
    intervalSeconds: Number(values.interval),
    ruleFiles,
    dataDir: join(stack.runDir, 'prometheus'),
  });
  console.log(`Prometheus ${prom.url} scrapes ${stack.services.length} services every ${values.interval} s`);
  console.log(`  rules: ${ruleFiles.length ? ruleFiles.join(', ') : 'none (make synth writes dist/rules)'}`);
  console.log(`  API:   ${prom.url}/api/v1/query?query=up   (targets: ${prom.url}/api/v1/targets)`);
  console.log('Ctrl-C stops it.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await prom.stop();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
