// k6 load scenarios that get a Job each: every script in load/scenarios/. The Job runs the
// scenario's `k6 archive` bundle (build/load/<scenario>.tar, made by `make load-cluster` with the
// pinned ./bin/k6) when it exists, else a small smoke script, so the wiring (ConfigMap, no sidecar,
// gateway URLs, network policy) works on its own.
import { existsSync, readdirSync } from 'node:fs';

const SCENARIO_DIR = new URL('../../load/scenarios/', import.meta.url);

export function loadScenarios(): string[] {
  if (!existsSync(SCENARIO_DIR)) return ['smoke'];
  const names = readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -'.ts'.length))
    .sort();
  return names.length > 0 ? names : ['smoke'];
}

export const SCRIPT_KEY = 'script.js';
export const ARCHIVE_KEY = 'archive.tar';
export const SCRIPTS_MOUNT = '/scripts';

export const SMOKE_SCRIPT = `import http from 'k6/http';
import { check } from 'k6';

export const options = { vus: 2, duration: '30s', thresholds: { http_req_failed: ['rate<0.05'] } };

export default function () {
  const res = http.get(\`\${__ENV.PETSTORE_URL}/healthz\`);
  check(res, { 'status is 200': (r) => r.status === 200 });
}
`;
