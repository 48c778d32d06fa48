// The promoter's queries and how their answers become per-version counters. The app view runs
// against a real Prometheus in test/e2e/canary-demo.e2e.ts; Istio's metrics exist only in a cluster,
// so here the queries are checked against the project's known metric and label names (as the
// dashboards' and alerts' are) and the answers are the shapes Prometheus returns.
import { describe, expect, it } from 'vitest';
import { checkQuery } from '../../test/observability/promql-names.ts';
import {
  appSource,
  meshSource,
  prometheusMetrics,
  readView,
  type InstantQuery,
} from './prometheus-metrics.ts';

const versions = { stable: '0.1.0', canary: '0.2.0' };

/** Answers each query from a table of samples keyed by a fragment of the query. */
const answering =
  (table: Record<string, { labels: Record<string, string>; value: number }[]>): InstantQuery =>
  (expr) => {
    const key = Object.keys(table).find((k) => expr.includes(k));
    return Promise.resolve(key === undefined ? [] : (table[key] ?? []));
  };

describe('queries', () => {
  it('parse, and name only metrics and labels that exist, for both views', () => {
    for (const source of [appSource('petstore', versions), meshSource('petstore', 'petstore', versions)]) {
      for (const expr of [source.requests, source.errors, source.buckets]) {
        expect(checkQuery(expr).problems, expr).toEqual([]);
      }
    }
  });

  it('select the service, both versions (dots escaped) and 5xx for errors, without admin calls', () => {
    const app = appSource('petstore', versions);
    expect(app.requests).toContain('app="petstore"');
    expect(checkQuery(app.requests.replace('instance)', 'nonsense)')).problems).toHaveLength(1);
    expect(app.requests).toContain('version=~"0\\\\.1\\\\.0|0\\\\.2\\\\.0"');
    expect(app.requests).toContain('route!~"/admin/.*"');
    expect(app.errors).toContain('status_code=~"5.."');
    const mesh = meshSource('petstore', 'petstore', versions);
    expect(mesh.requests).toMatch(
      /^sum by \(destination_version, instance\) \(istio_requests_total\{reporter="destination",destination_service_namespace="petstore",destination_service_name="petstore"/,
    );
    expect(mesh.errors).toContain('response_code=~"5.."');
    expect(mesh.buckets).toContain('istio_request_duration_milliseconds_bucket');
  });
});

describe('readView', () => {
  it('sums per version and target, with bounds in seconds whatever the unit', async () => {
    const mesh = meshSource('petstore', 'petstore', versions);
    const v = (version: string, instance: string) => ({ destination_version: version, instance });
    const query = answering({
      'response_code=~"5.."': [{ labels: v('0.2.0', 'b'), value: 3 }],
      istio_requests_total: [
        { labels: v('0.1.0', 'a'), value: 90 },
        { labels: v('0.2.0', 'b'), value: 10 },
      ],
      _bucket: [
        { labels: { ...v('0.1.0', 'a'), le: '100' }, value: 80 },
        { labels: { ...v('0.1.0', 'a'), le: '1000' }, value: 90 },
        { labels: { ...v('0.1.0', 'a'), le: '+Inf' }, value: 90 },
        { labels: { ...v('0.2.0', 'b'), le: '100' }, value: 5 },
        { labels: { ...v('0.2.0', 'b'), le: '1000' }, value: 9 },
        { labels: { ...v('0.2.0', 'b'), le: '+Inf' }, value: 10 },
      ],
    });
    const view = await readView(query, mesh, versions);
    expect(view.stable?.bounds).toEqual([0.1, 1]);
    expect(view.stable?.targets.get('a')).toEqual({
      requests: 90,
      errors: 0,
      buckets: [80, 90],
      observed: 90,
    });
    expect(view.canary?.targets.get('b')).toEqual({ requests: 10, errors: 3, buckets: [5, 9], observed: 10 });
  });

  it('reports a version without series as missing, and names each view', async () => {
    const metrics = prometheusMetrics(answering({}), [appSource('petstore', versions)], versions);
    expect(await metrics.snapshot()).toEqual({ app: { stable: undefined, canary: undefined } });
  });
});
