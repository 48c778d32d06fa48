// Every PromQL query the bundle ships: dashboard panels, dashboard variables and rules.
import { petstoreDashboard } from '../../dashboards/petstore.ts';
import { RULE_FILES } from '../../alerts/rules.ts';
import { isAlert } from '../../alerts/types.ts';

export interface ShippedQuery {
  /** Where it lives, e.g. "panel Service health / Targets up [A]" or "rule HighErrorRate". */
  readonly source: string;
  readonly kind: 'panel' | 'variable' | 'record' | 'alert';
  readonly expr: string;
}

interface PanelJson {
  type: string;
  title: string;
  targets?: { expr?: string; refId?: string }[];
}

export function dashboardQueries(): ShippedQuery[] {
  const dashboard = petstoreDashboard() as unknown as {
    panels: PanelJson[];
    templating: { list: { name: string; query?: string | { query: string } }[] };
  };
  const out: ShippedQuery[] = [];
  let row = '';
  for (const p of dashboard.panels) {
    if (p.type === 'row') row = p.title;
    for (const t of p.targets ?? []) {
      out.push({ source: `panel ${row} / ${p.title} [${t.refId}]`, kind: 'panel', expr: t.expr ?? '' });
    }
  }
  for (const v of dashboard.templating.list) {
    if (typeof v.query === 'object')
      out.push({ source: `variable ${v.name}`, kind: 'variable', expr: v.query.query });
  }
  return out;
}

export function ruleQueries(): ShippedQuery[] {
  return Object.entries(RULE_FILES).flatMap(([file, groups]) =>
    groups().flatMap((g) =>
      g.rules.map((r) => ({
        source: `rule ${file}/${g.name}: ${isAlert(r) ? `${r.alert} ${JSON.stringify(r.labels)}` : r.record}`,
        kind: isAlert(r) ? ('alert' as const) : ('record' as const),
        expr: r.expr,
      })),
    ),
  );
}
