// make chaos [CHAOS_SECONDS=120]: see chaos.ts. Exits 1 on any violation or run problem.
import { join } from 'node:path';
import { ROOT } from '../stack/stack.ts';
import { plan, printSummary, runChaos } from './chaos.ts';

const seconds = Number(process.env.CHAOS_SECONDS ?? 120);
if (!Number.isFinite(seconds) || seconds < 10) {
  console.error('CHAOS_SECONDS must be a number of seconds, at least 10');
  process.exit(2);
}
const { report, path } = await runChaos({
  ...plan(seconds, process.env),
  reportDir: process.env.REPORT_DIR ?? join(ROOT, 'reports'),
  runDir: process.env.CHAOS_RUN_DIR ?? join(ROOT, '.run', 'chaos'),
});
printSummary(report, path);
process.exit(report.passed ? 0 : 1);
