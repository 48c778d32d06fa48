// One chart per k6 scenario, written apart from the petstore chart: `make deploy` must not start
// load; `make load-cluster SCENARIO=<name>` applies exactly one of these.
import { existsSync, readFileSync } from 'node:fs';
import { Chart } from 'cdk8s';
import type { App } from 'cdk8s';
import { NAMESPACE } from '../../catalog/services.ts';
import { SMOKE_SCRIPT, type LoadRun } from '../config/load.ts';
import type { Profile } from '../config/profiles.ts';
import { LoadJob } from '../constructs/load-job.ts';
import type { LoadScript } from '../constructs/load-job.ts';
import { PART_OF } from '../lib/labels.ts';

const BUILD_DIR = new URL('../../build/load/', import.meta.url);

/** The scenario's k6 archive if `make load-cluster` built one, else the smoke script. */
export function loadScript(scenario: string): LoadScript {
  const archive = new URL(`${scenario}.tar`, BUILD_DIR);
  if (existsSync(archive)) return { kind: 'archive', content: readFileSync(archive) };
  return { kind: 'script', content: SMOKE_SCRIPT };
}

export class LoadChart extends Chart {
  constructor(
    scope: App,
    id: string,
    profile: Profile,
    scenario: string,
    script = loadScript(scenario),
    run?: Omit<LoadRun, 'scenario'>,
  ) {
    super(scope, id, { namespace: NAMESPACE, labels: { 'app.kubernetes.io/part-of': PART_OF } });
    new LoadJob(this, 'load', { profile, scenario, script, ...run });
  }
}
