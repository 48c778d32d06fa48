// k6 load scenarios that get a Job each: every script in load/scenarios/. The Job runs the
// scenario's `k6 archive` bundle (build/load/<scenario>.tar, made by `make load-cluster` with the
// pinned ./bin/k6) when it exists, else a small smoke script, so the wiring (ConfigMap, no sidecar,
// gateway URLs, network policy) works on its own.
import { existsSync, readdirSync } from 'node:fs';
import { maxPromotionSeconds, type Profile } from './profiles.ts';

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

/** The canary scenario once more, as the load of a promotion (`make canary-load`, then `make promote`). */
export const CANARY_PROMOTION_LOAD = 'canary-promotion';

export interface LoadRun {
  /** Job (and ConfigMap) name: k6-<name>. */
  readonly name: string;
  readonly scenario: string;
  readonly env: Readonly<Record<string, string>>;
  readonly activeDeadlineSeconds: number;
}

const JOB_DEADLINE_SECONDS = 30 * 60;

/** One k6 Job per scenario, plus the canary promotion's load. The canary scenario checks the split
 * as deployed (CANARY_EXPECTED_WEIGHT); during a promotion the split moves, so that one does not. */
export function loadRuns(profile: Profile): LoadRun[] {
  const canary = profile.canaries.petstore;
  const versions = canary
    ? { STABLE_VERSION: profile.stableVersion, CANARY_VERSION: canary.version }
    : undefined;
  const runs: LoadRun[] = loadScenarios().map((scenario) => ({
    name: scenario,
    scenario,
    env:
      scenario === 'canary' && versions && canary
        ? { ...versions, CANARY_EXPECTED_WEIGHT: String(canary.weight) }
        : {},
    activeDeadlineSeconds: JOB_DEADLINE_SECONDS,
  }));
  if (versions && runs.some((r) => r.scenario === 'canary')) {
    const seconds = maxPromotionSeconds(profile.canaryAnalysis);
    runs.push({
      name: CANARY_PROMOTION_LOAD,
      scenario: 'canary',
      env: { ...versions, CANARY_DURATION: String(seconds) },
      activeDeadlineSeconds: seconds + 10 * 60,
    });
  }
  return runs;
}
