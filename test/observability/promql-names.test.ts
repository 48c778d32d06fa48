// Every query the bundle ships (dashboard panels and variables, alert and recording rules) parses and
// names only metrics and labels that exist: the catalog's, the recording rules', and the explicit
// allow-list of cluster metrics. A misspelt metric or label anywhere fails here.
import { describe, expect, it } from 'vitest';
import { dashboardQueries, ruleQueries } from './inventory.ts';
import { checkLabelValues, checkQuery, knownMetrics } from './promql-names.ts';

const known = knownMetrics();

describe('shipped PromQL', () => {
  const queries = [...dashboardQueries(), ...ruleQueries()];

  it('covers the dashboard panels, its variables and every rule', () => {
    const kinds = new Set(queries.map((q) => q.kind));
    expect(kinds).toEqual(new Set(['panel', 'variable', 'record', 'alert']));
    expect(queries.filter((q) => q.kind === 'panel').length).toBeGreaterThan(60);
  });

  it.each(queries.map((q) => [q.source, q] as const))('%s names only known metrics and labels', (_, q) => {
    const checked = q.kind === 'variable' ? checkLabelValues(q.expr, known) : checkQuery(q.expr, known);
    expect(checked.problems).toEqual([]);
    expect(checked.metrics.length).toBeGreaterThan(0);
  });
});

describe('the name check', () => {
  it('fails on a misspelt metric, label, grouping label or cluster label', () => {
    const problems = (expr: string) => checkQuery(expr, known).problems;
    expect(problems('sum(rate(mmf_http_server_request_duration_seconds_cuont[5m]))')).toEqual([
      'unknown metric mmf_http_server_request_duration_seconds_cuont',
    ]);
    expect(problems('mmf_orders_total{servcie="order"}')).toEqual(['mmf_orders_total has no label servcie']);
    expect(problems('sum by (outcom) (rate(mmf_orders_total[$__rate_interval]))')).toEqual([
      'no metric of the query has the label outcom it groups by',
    ]);
    // A label of another metric is still wrong on this one.
    expect(problems('mmf_orders_total{route="/orders"}')).toEqual(['mmf_orders_total has no label route']);
    expect(problems('kube_pod_status_ready{namespace="petstore",conditon="true"}')).toEqual([
      'kube_pod_status_ready has no label conditon',
    ]);
    expect(problems('sum(rate(mmf_orders_total[5m])')).toEqual([expect.stringMatching(/^syntax error/)]);
    expect(checkLabelValues('label_values(mmf_orders_total, versoin)', known).problems).toEqual([
      'no metric of mmf_orders_total has the label versoin',
    ]);
  });

  it('fails when one shipped dashboard query is misspelt', () => {
    const [first] = dashboardQueries().filter((q) =>
      q.expr.includes('mmf_http_server_request_duration_seconds_count'),
    );
    const misspelt = first!.expr.replace(
      'mmf_http_server_request_duration_seconds_count',
      'mmf_http_server_request_duration_second_count',
    );
    expect(checkQuery(first!.expr, known).problems).toEqual([]);
    expect(checkQuery(misspelt, known).problems).toContain(
      'unknown metric mmf_http_server_request_duration_second_count',
    );
  });
});
