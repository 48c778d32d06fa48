// Every rule file the bundle ships: dist/rules/<file>.yaml for promtool and any Prometheus, and the
// same groups as one PrometheusRule object per file in both cluster profiles.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Yaml } from 'cdk8s';
import { serviceAlerts } from './service-alerts.ts';
import { sloGroups } from './slo-rules.ts';
import type { RuleGroup } from './types.ts';

export const RULE_FILES: Readonly<Record<string, () => RuleGroup[]>> = {
  'petstore-alerts': () => [serviceAlerts()],
  'petstore-slo': sloGroups,
};

/** Writes dist/rules/<file>.yaml (the directory is replaced); returns the paths. */
export function writeRuleFiles(dir: string): string[] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return Object.entries(RULE_FILES).map(([name, groups]) => {
    const path = join(dir, `${name}.yaml`);
    writeFileSync(path, Yaml.stringify({ groups: groups() }));
    return path;
  });
}

if (import.meta.main) {
  for (const path of writeRuleFiles(process.argv[2] ?? 'dist/rules')) console.log(path);
}
