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

/** Annotation that exempts one object from one kube-linter check; the value is the reason.
 * Every use is also listed in .kube-linter.yaml (a test keeps the two in step). */
export function lintException(check: string): string {
  return `ignore-check.kube-linter.io/${check}`;
}
