// One chart per k6 scenario, written apart from the petstore chart: `make deploy` must not start
// load; `make load SCENARIO=<name>` applies exactly one of these.
import { existsSync, readFileSync } from 'node:fs';
import { Chart } from 'cdk8s';
import type { App } from 'cdk8s';
import { NAMESPACE } from '../../catalog/services.ts';
import { SMOKE_SCRIPT } from '../config/load.ts';
import type { Profile } from '../config/profiles.ts';
import { LoadJob } from '../constructs/load-job.ts';
import { PART_OF } from '../lib/labels.ts';

const BUILD_DIR = new URL('../../build/load/', import.meta.url);

/** The bundled k6 script of a scenario if the load build produced one, else the smoke script. */
export function loadScript(scenario: string): string {
  const built = new URL(`${scenario}.js`, BUILD_DIR);
  return existsSync(built) ? readFileSync(built, 'utf8') : SMOKE_SCRIPT;
}

export class LoadChart extends Chart {
  constructor(scope: App, id: string, profile: Profile, scenario: string, script = loadScript(scenario)) {
    super(scope, id, { namespace: NAMESPACE, labels: { 'app.kubernetes.io/part-of': PART_OF } });
    new LoadJob(this, 'load', { profile, scenario, script });
  }
}
