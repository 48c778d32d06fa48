// Prometheus rule-file shapes (the same groups go into the PrometheusRule objects and dist/rules).

export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: {
    readonly summary: string;
    readonly description: string;
    readonly runbook_url: string;
  };
}

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export type Rule = AlertingRule | RecordingRule;

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly Rule[];
}

export const isAlert = (rule: Rule): rule is AlertingRule => 'alert' in rule;

/** Runbooks are sections of docs/runbooks.md, one per alert name (path relative to the repository). */
export const RUNBOOKS = 'docs/runbooks.md';
export function runbook(alert: string): string {
  return `${RUNBOOKS}#${alert.toLowerCase()}`;
}
