// Canary progress: each version's traffic, errors and p95 from the services' own `version` label
// (works anywhere) and from the mesh (istio_requests_total by destination_version, cluster only).
import { CANARY_MAX_ERROR_PERCENT, CANARY_MAX_P95_MS } from '../../catalog/index.ts';
import {
  errorRatio,
  HTTP_BUCKETS,
  HTTP_REQUESTS,
  quantile,
  sel,
  shareOf,
  sumRate,
} from '../../alerts/promql.ts';
import type { RowSpec } from '../panels.ts';
import { RATE, svc } from '../selectors.ts';

const BY_VERSION = ['service', 'version'];
const mesh = sel(
  'reporter="destination"',
  'destination_service_namespace="$namespace"',
  'destination_service_name=~"$service"',
);
const BY_DESTINATION = ['destination_service_name', 'destination_version'];

export const canary: RowSpec = {
  title: 'Canary progress (by version)',
  panels: [
    {
      kind: 'timeseries',
      title: 'Requests by version',
      description: "Requests per second each version of a service serves (the services' own version label).",
      unit: 'reqps',
      queries: [{ expr: sumRate(HTTP_REQUESTS, svc(), RATE, BY_VERSION), legend: '{{service}} {{version}}' }],
      width: 8,
    },
    {
      kind: 'timeseries',
      title: 'Error rate by version',
      description: `5xx share per version. The canary is rolled back above ${CANARY_MAX_ERROR_PERCENT} %.`,
      unit: 'percentunit',
      queries: [{ expr: errorRatio(svc(), RATE, BY_VERSION), legend: '{{service}} {{version}}' }],
      thresholds: [{ value: CANARY_MAX_ERROR_PERCENT / 100, color: 'red' }],
      min: 0,
      width: 8,
    },
    {
      kind: 'timeseries',
      title: 'p95 by version',
      description: `p95 request duration per version. The canary is rolled back above ${CANARY_MAX_P95_MS} ms.`,
      unit: 's',
      queries: [
        { expr: quantile(0.95, HTTP_BUCKETS, svc(), RATE, BY_VERSION), legend: '{{service}} {{version}}' },
      ],
      thresholds: [{ value: CANARY_MAX_P95_MS / 1000, color: 'red' }],
      width: 8,
    },
    {
      kind: 'timeseries',
      title: 'Mesh traffic share by version (Istio)',
      description:
        'Share of the requests Envoy delivered to each destination version (cluster only): follows the VirtualService weights as the canary is promoted.',
      unit: 'percentunit',
      queries: [
        {
          expr: `${sumRate('istio_requests_total', mesh, RATE, BY_DESTINATION)} / ignoring (destination_version) group_left () ${sumRate('istio_requests_total', mesh, RATE, ['destination_service_name'])}`,
          legend: '{{destination_service_name}} {{destination_version}}',
        },
      ],
      stacked: true,
      min: 0,
      max: 1,
      width: 12,
    },
    {
      kind: 'timeseries',
      title: 'Mesh error rate by version (Istio)',
      description:
        '5xx share per destination version as Envoy saw it (cluster only), including failures the app never saw (connection resets, timeouts).',
      unit: 'percentunit',
      queries: [
        {
          expr: shareOf('istio_requests_total', mesh, 'response_code=~"5.."', RATE, BY_DESTINATION),
          legend: '{{destination_service_name}} {{destination_version}}',
        },
      ],
      thresholds: [{ value: CANARY_MAX_ERROR_PERCENT / 100, color: 'red' }],
      min: 0,
      width: 12,
    },
  ],
};
