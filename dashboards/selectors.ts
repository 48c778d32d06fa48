// The dashboard's template variables and the selectors built on them. Grafana fills `$namespace`,
// `$service` and `$version` (multi-value with All = `.*`, so they go with =~) and the `$__` intervals.
import { sel } from '../alerts/promql.ts';

export const RATE = '$__rate_interval';
export const RANGE = '$__range';

/** The services' own series, narrowed by the dashboard's variables (plus `extra` matchers). */
export function svc(...extra: string[]): string {
  return sel('namespace="$namespace"', 'service=~"$service"', 'version=~"$version"', ...extra);
}

/** Kubernetes series (kube-state-metrics, cAdvisor) of the services' containers. */
export function containers(...extra: string[]): string {
  return sel('namespace="$namespace"', 'container=~"$service"', ...extra);
}
