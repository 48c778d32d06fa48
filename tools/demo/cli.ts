// make demo: the whole petstore on this machine, five scenarios, a JSON report (and its HTML view).
// Settings: DEMO_SCALE (default 1: about 95 s of load; 2 doubles every scenario's length),
// DEMO_SCENARIOS (comma-separated keys, default all), DEMO_REPORT_DIR (default reports/).
import { join, resolve } from 'node:path';
import { ROOT } from '../stack/stack.ts';
import { runDemo } from './demo.ts';
import { parseDemoScale, selectScenarios } from './plan.ts';

try {
  const result = await runDemo({
    scenarios: selectScenarios(process.env['DEMO_SCENARIOS']),
    demoScale: parseDemoScale(process.env['DEMO_SCALE']),
    reportDir: resolve(ROOT, process.env['DEMO_REPORT_DIR'] || 'reports'),
    runDir: join(ROOT, '.run', 'demo'),
  });
  process.exitCode = result.exitCode;
} catch (err) {
  console.error(`\nmake demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
