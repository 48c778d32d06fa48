// The petstore dashboard: template variables, then one row per concern (rows/*.ts), every query
// built from the catalog. `make dashboards` writes it to dist/dashboards/petstore.json.
import {
  DashboardBuilder,
  DashboardCursorSync,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  RowBuilder,
  VariableRefresh,
  VariableSort,
  type Dashboard,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { NAMESPACE } from '../catalog/index.ts';
import { HTTP_REQUESTS } from '../alerts/promql.ts';
import { DATASOURCE, panel, type RowSpec } from './panels.ts';
import { business } from './rows/business.ts';
import { canary } from './rows/canary.ts';
import { resources, scaling } from './rows/cluster.ts';
import { health } from './rows/health.ts';
import { journey } from './rows/journey.ts';
import { ml } from './rows/ml.ts';
import { resilience } from './rows/resilience.ts';
import { slo } from './rows/slo.ts';
import { traffic } from './rows/traffic.ts';

export const DASHBOARD_UID = 'mmf-petstore';
export const DASHBOARD_TITLE = 'MMF Petstore';

export const ROWS: readonly RowSpec[] = [
  health,
  traffic,
  slo,
  journey,
  business,
  ml,
  resilience,
  canary,
  scaling,
  resources,
];

/** A multi-value variable over one label of the request series, narrowed by the variables before it. */
function labelVariable(name: string, label: string, narrowedBy: string): QueryVariableBuilder {
  const query = `label_values(${HTTP_REQUESTS}{${narrowedBy}}, ${label})`;
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(DATASOURCE)
    .query({ query, refId: 'PrometheusVariableQueryEditor-VariableQuery' })
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ selected: true, text: ['All'], value: ['$__all'] });
}

export function petstoreDashboard(): Dashboard {
  const namespaceQuery = `label_values(${HTTP_REQUESTS}, namespace)`;
  const builder = new DashboardBuilder(DASHBOARD_TITLE)
    .uid(DASHBOARD_UID)
    .description(
      'The MMF petstore: service health, RED metrics, SLOs, journey, business, ML, resilience, canary, scaling and resources. Generated from the catalog (dashboards/).',
    )
    .tags(['mmf-petstore', 'generated'])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .withVariable(new DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'))
    .withVariable(
      new QueryVariableBuilder('namespace')
        .label('namespace')
        .datasource(DATASOURCE)
        .query({ query: namespaceQuery, refId: 'PrometheusVariableQueryEditor-VariableQuery' })
        .definition(namespaceQuery)
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .current({ selected: true, text: NAMESPACE, value: NAMESPACE }),
    )
    .withVariable(labelVariable('service', 'service', 'namespace="$namespace"'))
    .withVariable(labelVariable('version', 'version', 'namespace="$namespace",service=~"$service"'));
  let id = 0;
  for (const row of ROWS) {
    builder.withRow(new RowBuilder(row.title).id(++id));
    for (const spec of row.panels) builder.withPanel(panel(spec).id(++id));
  }
  return builder.build();
}
