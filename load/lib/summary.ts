// handleSummary for every scenario: a JSON report in reports/<scenario>-summary.json (thresholds with
// their observed values, checks, scenario-specific findings, all metrics) and a short text summary
// on stdout. Defining handleSummary replaces k6's own end-of-test summary, so the text lists what a
// reader needs: each threshold with its value, failed checks, and the scenario's findings.
import { REPORT_DIR, SCALE } from './env.ts';
import { isShownOnly } from './slo.ts';

export interface SummaryMetric {
  readonly type: 'counter' | 'gauge' | 'rate' | 'trend';
  readonly contains: 'time' | 'data' | 'default';
  readonly values: Readonly<Record<string, number>>;
  readonly thresholds?: Readonly<Record<string, { readonly ok: boolean }>>;
}

export interface SummaryCheck {
  readonly name: string;
  readonly passes: number;
  readonly fails: number;
}

export interface SummaryGroup {
  readonly name: string;
  readonly checks: readonly SummaryCheck[];
  readonly groups: readonly SummaryGroup[];
}

/** The part of k6's summary data this module reads. */
export interface SummaryData {
  readonly metrics: Readonly<Record<string, SummaryMetric>>;
  readonly root_group: SummaryGroup;
  readonly state: { readonly testRunDurationMs: number };
}

export type Findings = Record<string, unknown>;

export interface ThresholdResult {
  readonly metric: string;
  readonly expression: string;
  readonly ok: boolean;
  /** The aggregate the expression tests (e.g. p(95) for 'p(95)<2500'), if k6 reported it. */
  readonly value: number | undefined;
}

/** A statistic of a metric or tagged submetric, e.g. stat(data, 'http_req_duration{size:large}', 'p(95)'). */
export function stat(data: SummaryData, metric: string, name: string): number | undefined {
  return data.metrics[metric]?.values[name];
}

function aggregateOf(expression: string): string {
  const match = /^\s*([a-z]+(?:\(\d+(?:\.\d+)?\))?)\s*(?:[<>=!]=?|===)/.exec(expression);
  return match?.[1] ?? expression;
}

export function thresholdResults(data: SummaryData): ThresholdResult[] {
  const results: ThresholdResult[] = [];
  for (const [metric, m] of Object.entries(data.metrics)) {
    for (const [expression, { ok }] of Object.entries(m.thresholds ?? {})) {
      results.push({ metric, expression, ok, value: m.values[aggregateOf(expression)] });
    }
  }
  return results.sort((a, b) => a.metric.localeCompare(b.metric));
}

export function allChecks(group: SummaryGroup): SummaryCheck[] {
  return [...group.checks, ...group.groups.flatMap(allChecks)];
}

/** False for a (sub)metric nothing was recorded in: its thresholds hold on zeros, which is not a result. */
export function hasSamples(metric: SummaryMetric | undefined): boolean {
  if (metric === undefined) return false;
  const v = metric.values;
  if (metric.type === 'trend') return v['count'] === undefined || v['count'] > 0;
  if (metric.type === 'rate') return (v['passes'] ?? 0) + (v['fails'] ?? 0) > 0;
  return true;
}

function formatValue(
  metric: SummaryMetric | undefined,
  expression: string,
  value: number | undefined,
): string {
  if (value === undefined || !hasSamples(metric)) return 'no data';
  const aggregate = aggregateOf(expression);
  if (aggregate === 'rate') return `${(value * 100).toFixed(2)} %`;
  if (metric?.contains === 'time') return `${aggregate} ${value.toFixed(1)} ms`;
  return `${aggregate} ${Number.isInteger(value) ? value : value.toFixed(2)}`;
}

function formatFinding(value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => `\n      ${formatFinding(v)}`).join('');
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/** Findings with numbers rounded to 0.1: readable in the text and the JSON alike. */
export function rounded(value: unknown): unknown {
  if (typeof value === 'number') return Math.round(value * 10) / 10;
  if (Array.isArray(value)) return value.map(rounded);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)]));
  }
  return value;
}

export function textSummary(
  scenario: string,
  data: SummaryData,
  findings: Findings,
  reportPath: string,
): string {
  const all = thresholdResults(data);
  // Display-only thresholds exist to make k6 compute per-phase submetrics; the findings show those.
  const thresholds = all.filter((t) => !isShownOnly(t.expression));
  const recorded = all.length - thresholds.length;
  const failed = thresholds.filter((t) => !t.ok);
  const width = Math.max(20, ...thresholds.map((t) => t.metric.length));
  const lines = [
    '',
    `k6 scenario ${scenario} (LOAD_SCALE=${SCALE.factor}) ran ${(data.state.testRunDurationMs / 1000).toFixed(1)} s`,
    `  requests ${stat(data, 'http_reqs', 'count') ?? 0} (${(stat(data, 'http_reqs', 'rate') ?? 0).toFixed(1)}/s), ` +
      `iterations ${stat(data, 'iterations', 'count') ?? 0}, dropped ${stat(data, 'dropped_iterations', 'count') ?? 0}`,
    '  thresholds:',
    ...thresholds.map(
      (t) =>
        `    ${t.ok ? 'ok  ' : 'FAIL'} ${t.metric.padEnd(width)} ${t.expression.padEnd(14)} ` +
        formatValue(data.metrics[t.metric], t.expression, t.value),
    ),
  ];
  const failedChecks = allChecks(data.root_group).filter((c) => c.fails > 0);
  if (failedChecks.length > 0) {
    lines.push('  failed checks:');
    for (const c of failedChecks) lines.push(`    ${c.name}: ${c.fails} of ${c.passes + c.fails} failed`);
  }
  if (recorded > 0) lines.push(`    (and ${recorded} submetrics recorded for the findings)`);
  const keys = Object.keys(findings);
  if (keys.length > 0) {
    lines.push('  findings:');
    for (const key of keys) lines.push(`    ${key}: ${formatFinding(findings[key])}`);
  }
  lines.push(
    failed.length === 0
      ? `  result: all ${thresholds.length} thresholds held`
      : `  result: ${failed.length} of ${thresholds.length} thresholds FAILED (k6 exits 99)`,
    `  report: ${reportPath}`,
    '',
  );
  return lines.join('\n');
}

/** Builds the handleSummary export of a scenario; `findings` adds what the scenario is about. */
export function summaryFor(
  scenario: string,
  findings: (data: SummaryData) => Findings = () => ({}),
): (data: SummaryData) => Record<string, string> {
  return (data) => {
    const reportPath = `${REPORT_DIR}/${scenario}-summary.json`;
    const found = rounded(findings(data)) as Findings;
    const thresholds = thresholdResults(data);
    const report = {
      scenario,
      scale: SCALE.factor,
      generatedAt: new Date().toISOString(),
      durationMs: data.state.testRunDurationMs,
      thresholdsPassed: thresholds.every((t) => t.ok),
      thresholds,
      checks: allChecks(data.root_group),
      findings: found,
      metrics: data.metrics,
    };
    return {
      stdout: textSummary(scenario, data, found, reportPath),
      [reportPath]: JSON.stringify(report, null, 2),
    };
  };
}
