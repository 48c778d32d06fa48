// Label conventions. `app` selects a service's pods (Service, NetworkPolicy, PDB); `version`
// tells stable and canary pods apart (Istio subsets, metrics). Recommended labels are added for tools.
import type { ServiceName } from '../../catalog/services.ts';

export const PART_OF = 'mmf-petstore';

/** Labels every pod of a service carries, whatever its version. */
export function appSelector(app: string): Record<string, string> {
  return { app };
}

export function podLabels(app: string, version: string, component = 'service'): Record<string, string> {
  return {
    app,
    version,
    'app.kubernetes.io/name': app,
    'app.kubernetes.io/version': version,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': PART_OF,
  };
}

/** Kubernetes object names of a service's pieces. */
export function serviceAccountName(name: ServiceName): string {
  return name;
}

export function deploymentName(name: ServiceName, track: 'stable' | 'canary'): string {
  return track === 'stable' ? name : `${name}-canary`;
}

/** Annotation kube-score reads: a comma-separated list of checks it skips for this object. */
export const SCORE_IGNORE = 'kube-score/ignore';
/** Prefix of the annotation that carries the reason for one skipped check (a test requires one). */
export const SCORE_REASON_PREFIX = 'kube-score-ignore.mmf-petstore/';

/** Annotations that exempt one object from kube-score checks that do not apply to it, each with the
 * reason. kube-score has no place for reasons, so they travel beside its list on the object. */
export function scoreExceptions(reasons: Readonly<Record<string, string>>): Record<string, string> {
  const entries = Object.entries(reasons);
  if (entries.length === 0) return {};
  return {
    [SCORE_IGNORE]: entries.map(([check]) => check).join(','),
    ...Object.fromEntries(entries.map(([check, reason]) => [`${SCORE_REASON_PREFIX}${check}`, reason])),
  };
}
