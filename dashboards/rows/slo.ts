// The SLO view: error budget left over the period and how fast each window burns it, from the SLI
// recording rules (alerts/slo-rules.ts), plus the alerts pending or firing right now.
import {
  BURN_RATE_ALERTS,
  errorBudget,
  objective,
  SERVICE_NAMES,
  SLI_WINDOWS,
  SLO_PERIOD_DAYS,
  type SloKind,
} from '../../catalog/index.ts';
import { sel } from '../../alerts/promql.ts';
import { sliRecord } from '../../alerts/slo-rules.ts';
import type { PanelSpec, RowSpec } from '../panels.ts';

const recorded = (service: string) =>
  sel('namespace="$namespace"', 'service=~"$service"', `service="${service}"`);
const PERIOD = `${SLO_PERIOD_DAYS}d`;

/** `expr(ratio, budget)` per service, joined: each service divides by its own budget. */
function perService(slo: SloKind, window: string, expr: (ratio: string, budget: number) => string): string {
  return SERVICE_NAMES.map((s) =>
    expr(`${sliRecord(slo, window)}{${recorded(s)}}`, errorBudget(objective(s, slo))),
  ).join(' or ');
}

function budgetLeft(slo: SloKind): PanelSpec {
  return {
    kind: 'bargauge',
    title: `${slo === 'availability' ? 'Availability' : 'Latency'} error budget left (${PERIOD})`,
    description: `Share of the ${PERIOD} error budget of the ${slo} SLO not spent yet, per service (1 - bad share / budget). Below 0 the objective is missed. Prometheus keeps only its retention (2 d on kind), so the period is as long as the data.`,
    unit: 'percentunit',
    queries: [
      { expr: perService(slo, PERIOD, (ratio, budget) => `1 - ${ratio} / ${budget}`), legend: '{{service}}' },
    ],
    base: 'red',
    thresholds: [
      { value: 0, color: 'orange' },
      { value: 0.25, color: 'green' },
    ],
    max: 1,
    width: 6,
  };
}

function burnRates(slo: SloKind): PanelSpec {
  const factors = BURN_RATE_ALERTS.map((b) => `${b.factor}x over ${b.long}/${b.short}`).join(', ');
  return {
    kind: 'timeseries',
    title: `${slo === 'availability' ? 'Availability' : 'Latency'} burn rate per window`,
    description: `How many times faster than sustainable each window spends the ${slo} budget (1 = the budget lasts exactly ${PERIOD}). ErrorBudgetBurn fires when a long and a short window both exceed: ${factors}.`,
    unit: 'short',
    queries: SLI_WINDOWS.filter((w) => w !== PERIOD).map((w) => ({
      expr: perService(slo, w, (ratio, budget) => `${ratio} / ${budget}`),
      legend: `{{service}} ${w}`,
    })),
    thresholds: [
      { value: 1, color: 'orange' },
      { value: Math.max(...BURN_RATE_ALERTS.map((b) => b.factor)), color: 'red' },
    ],
    min: 0,
    width: 6,
  };
}

export const slo: RowSpec = {
  title: 'SLOs and alerts',
  panels: [
    budgetLeft('availability'),
    burnRates('availability'),
    budgetLeft('latency'),
    burnRates('latency'),
    {
      kind: 'table',
      title: 'Alerts pending and firing',
      description:
        'Alerts of the bundle now pending (condition true, waiting for its `for`) or firing, with their labels. Runbooks: docs/runbooks.md.',
      unit: 'short',
      queries: [
        {
          expr: `sum by (alertname, alertstate, severity, service, slo, long_window) (ALERTS{namespace="$namespace"})`,
          legend: '{{alertname}}',
        },
      ],
      width: 24,
      height: 6,
    },
  ],
};
