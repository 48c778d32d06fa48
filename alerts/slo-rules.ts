// SLO rules per service: recording rules for the SLI ratios over every window, and the
// multi-window, multi-burn-rate alerts on them (catalog/slo.ts). One group per service.
import {
  BURN_RATE_ALERTS,
  durationSeconds,
  errorBudget,
  objective,
  SERVICE_NAMES,
  SLI_WINDOWS,
  SLO_KINDS,
  SLO_PERIOD_DAYS,
  type BurnRateAlert,
  type Objective,
  type ServiceName,
  type SloKind,
} from '../catalog/index.ts';
import { errorRatio, servicesSel, slowRatio } from './promql.ts';
import { runbook, type AlertingRule, type RecordingRule, type RuleGroup } from './types.ts';

export const BUDGET_BURN_ALERT = 'ErrorBudgetBurn';

/** Name of the recorded SLI: the share of bad requests of one SLO over one window. */
export function sliRecord(slo: SloKind, window: string): string {
  return `service:mmf_http_${slo === 'availability' ? 'errors' : 'slow'}:ratio_rate${window}`;
}

function sliExpr(o: Objective, window: string): string {
  const selector = servicesSel([o.service]);
  return o.slo === 'availability'
    ? errorRatio(selector, window)
    : slowRatio(selector, o.thresholdMs as number, window);
}

const round = (x: number): number => Number(x.toPrecision(12));

function describeSlo(o: Objective): string {
  const target = `${round(o.target * 100)} %`;
  return o.slo === 'availability'
    ? `${target} of requests without a 5xx`
    : `${target} of requests within ${o.thresholdMs} ms`;
}

/** Fires when both windows burn the budget at least `factor` times too fast. */
export function burnAlert(o: Objective, b: BurnRateAlert): AlertingRule {
  const threshold = round(b.factor * errorBudget(o));
  const over = (window: string) => `${sliRecord(o.slo, window)}{${servicesSel([o.service])}} > ${threshold}`;
  // Share of the whole period's budget one long window spends at this burn rate (14.4x over 1h: 2 %).
  const spent = round((100 * b.factor * durationSeconds(b.long)) / durationSeconds(`${SLO_PERIOD_DAYS}d`));
  return {
    alert: BUDGET_BURN_ALERT,
    expr: `${over(b.long)} and ${over(b.short)}`,
    for: b.for,
    labels: {
      service: o.service,
      slo: o.slo,
      severity: b.severity,
      long_window: b.long,
      short_window: b.short,
    },
    annotations: {
      summary: `{{ $labels.service }} burns its ${o.slo} error budget ${b.factor}x too fast (${b.long} and ${b.short})`,
      description: `${o.service} promises ${describeSlo(o)} over ${SLO_PERIOD_DAYS} days. Over the last ${b.long} and the last ${b.short} it failed that ${b.factor} times faster than the budget allows: at this pace ${spent} % of the ${SLO_PERIOD_DAYS}-day budget goes every ${b.long}. ${b.severity === 'critical' ? 'Page: act now.' : 'Ticket: fix within days.'} Look first at the dashboard's SLO row and ${o.slo === 'availability' ? 'error rate by route' : 'latency by route'} for ${o.service}.`,
      runbook_url: runbook(BUDGET_BURN_ALERT),
    },
  };
}

export function sloGroup(service: ServiceName): RuleGroup {
  const objectives = SLO_KINDS.map((slo) => objective(service, slo));
  const records: RecordingRule[] = objectives.flatMap((o) =>
    // The service label (which the series carry anyway) keeps the five groups' rules distinct.
    SLI_WINDOWS.map((w) => ({ record: sliRecord(o.slo, w), expr: sliExpr(o, w), labels: { service } })),
  );
  const alerts = objectives.flatMap((o) => BURN_RATE_ALERTS.map((b) => burnAlert(o, b)));
  return { name: `petstore.slo.${service}`, rules: [...records, ...alerts] };
}

export function sloGroups(): RuleGroup[] {
  return SERVICE_NAMES.map(sloGroup);
}
