// Writes the promtool rule unit tests (build/alerts-test/*.test.yaml) for the rule files in
// dist/rules. Expected annotations are the rules' own with {{ $labels.x }} filled in (a label the
// alert lacks renders empty, as in Prometheus 3); any other template construct is refused.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Yaml } from 'cdk8s';
import { RULE_FILES, writeRuleFiles } from '../../alerts/rules.ts';
import { isAlert, type AlertingRule } from '../../alerts/types.ts';
import type { AlertCheck, Labels, PromtoolFile } from './model.ts';
import { SERVICE_ALERT_TESTS } from './service-alert-cases.ts';
import { SLO_ALERT_TESTS } from './slo-cases.ts';

export const PROMTOOL_TESTS: readonly PromtoolFile[] = [SERVICE_ALERT_TESTS, ...SLO_ALERT_TESTS];

export function alertingRules(files: readonly string[] = Object.keys(RULE_FILES)): AlertingRule[] {
  return files.flatMap((f) => (RULE_FILES[f]?.() ?? []).flatMap((g) => g.rules.filter(isAlert)));
}

/** The one rule that produces an alert with these series labels (none of its labels contradicts them). */
export function ruleFor(alertname: string, labels: Labels, rules: readonly AlertingRule[]): AlertingRule {
  const matches = rules.filter(
    (r) => r.alert === alertname && Object.entries(r.labels).every(([k, v]) => (labels[k] ?? v) === v),
  );
  if (matches.length !== 1) {
    throw new Error(`${matches.length} rules named ${alertname} match ${JSON.stringify(labels)}`);
  }
  return matches[0] as AlertingRule;
}

export function render(template: string, labels: Labels): string {
  const out = template.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, name: string) => labels[name] ?? '');
  if (out.includes('{{')) throw new Error(`template the test cannot render: ${template}`);
  return out;
}

function expectedAlerts(check: AlertCheck, rules: readonly AlertingRule[]) {
  return check.firing.map((seriesLabels) => {
    const rule = ruleFor(check.alertname, seriesLabels, rules);
    const labels = { ...seriesLabels, ...rule.labels };
    const annotations = Object.fromEntries(
      Object.entries(rule.annotations).map(([k, v]) => [k, render(v, labels)]),
    );
    return { exp_labels: labels, exp_annotations: annotations };
  });
}

/** The promtool test file for `file`, with rule_files relative to `outDir`. */
export function promtoolYaml(file: PromtoolFile, rulesDir: string, outDir: string): string {
  const rules = alertingRules(file.ruleFiles);
  return Yaml.stringify({
    rule_files: file.ruleFiles.map((r) => relative(resolve(outDir), resolve(rulesDir, `${r}.yaml`))),
    evaluation_interval: `${file.evaluationMinutes}m`,
    tests: file.groups.map((g) => ({
      name: g.name,
      interval: `${g.intervalMinutes ?? 1}m`,
      input_series: g.series,
      alert_rule_test: g.checks.map((c) => ({
        eval_time: `${c.at}m`,
        alertname: c.alertname,
        exp_alerts: expectedAlerts(c, rules),
      })),
    })),
  });
}

/** Writes the rule files (as `make rules` does) and the promtool tests for them. */
export function writePromtoolTests(rulesDir: string, outDir: string): string[] {
  writeRuleFiles(rulesDir);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  return PROMTOOL_TESTS.map((file) => {
    const path = join(outDir, `${file.name}.test.yaml`);
    writeFileSync(path, promtoolYaml(file, rulesDir, outDir));
    return path;
  });
}

if (import.meta.main) {
  const [rulesDir = 'dist/rules', outDir = 'build/alerts-test'] = process.argv.slice(2);
  for (const path of writePromtoolTests(rulesDir, outDir)) console.log(path);
}
