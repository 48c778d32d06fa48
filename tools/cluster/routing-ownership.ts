// Who owns a VirtualService's traffic routing. Istio's CRD declares `spec.http` an atomic list, so
// server-side apply gives the whole routing table (matches, retries, timeouts and weights) to one
// field manager. `make deploy` creates it with the synthesized split; once the canary promoter has
// applied its weights (it forces, taking `spec.http` over), `make deploy` leaves that routing out of
// what it applies, so the promoter's weights are neither reset nor a conflict for the user. Taking
// the routing back (after a promotion finished, to roll out new routes) is explicit: RESET_ROUTES=1.
import { FIELD_MANAGERS } from '../../catalog/index.ts';

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    managedFields?: { manager?: string; operation?: string; fieldsV1?: Record<string, unknown> }[];
  };
  spec?: Record<string, unknown>;
}

const key = (o: KubeObject): string => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
const isVirtualService = (o: KubeObject): boolean =>
  o.kind === 'VirtualService' && (o.apiVersion ?? '').startsWith('networking.istio.io/');

/** Whether the promoter's field manager owns spec.http of this live object. */
export function promoterOwnsRouting(live: KubeObject, promoter: string = FIELD_MANAGERS.promoter): boolean {
  return (live.metadata?.managedFields ?? []).some((entry) => {
    const spec = entry.manager === promoter ? entry.fieldsV1?.['f:spec'] : undefined;
    return typeof spec === 'object' && spec !== null && 'f:http' in spec;
  });
}

/** "stable=80 canary=20" for each weighted route of a live VirtualService, for the deploy log. */
export function describeWeights(live: KubeObject): string {
  const http = (live.spec?.http ?? []) as {
    name?: string;
    route?: { destination?: { subset?: string }; weight?: number }[];
  }[];
  return http
    .filter((h) => (h.route?.length ?? 0) > 1)
    .map(
      (h) =>
        `${h.name ?? 'route'}: ${h.route?.map((r) => `${r.destination?.subset ?? '?'}=${r.weight ?? 0}`).join(' ')}`,
    )
    .join('; ');
}

export interface RoutingPlan {
  objects: KubeObject[];
  /** VirtualServices whose routing stays as the promoter set it, with their live weights. */
  kept: { name: string; weights: string }[];
}

/** The objects to apply: promoter-owned VirtualServices lose spec.http (and so keep the live one). */
export function planRouting(objects: KubeObject[], live: KubeObject[]): RoutingPlan {
  const owned = new Map(
    live.filter((o) => isVirtualService(o) && promoterOwnsRouting(o)).map((o) => [key(o), o]),
  );
  const kept: RoutingPlan['kept'] = [];
  const planned = objects.map((o) => {
    const liveObject = isVirtualService(o) ? owned.get(key(o)) : undefined;
    if (!liveObject || !o.spec) return o;
    kept.push({ name: key(o), weights: describeWeights(liveObject) });
    const { http: _http, ...spec } = o.spec;
    return { ...o, spec };
  });
  return { objects: planned, kept };
}
