// k6 load scenarios that get a Job each. The load work (load/) writes the real scripts; until a
// bundled script exists at build/load/<scenario>.js the Job runs a small smoke script, so the
// wiring (ConfigMap, no sidecar, gateway URL, network policy) can be exercised on its own.
export const LOAD_SCENARIOS = ['baseline', 'high-load', 'errors', 'mixed', 'scaling'] as const;
export type LoadScenario = (typeof LOAD_SCENARIOS)[number];

export const LOAD_SCRIPT_KEY = 'script.js';

export const SMOKE_SCRIPT = `import http from 'k6/http';
import { check } from 'k6';

export const options = { vus: 2, duration: '30s', thresholds: { http_req_failed: ['rate<0.05'] } };

export default function () {
  const res = http.get(\`\${__ENV.BASE_URL}/healthz\`);
  check(res, { 'status is 200': (r) => r.status === 200 });
}
`;
