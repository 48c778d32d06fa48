// Istio routing for one service: a DestinationRule (subsets by `version`, connection pool, outlier
// detection) and a mesh VirtualService whose routes carry each caller's timeout and retries from the
// catalog. With a canary, header overrides send `canary: "true"` and `user-group: beta` to the
// canary subset and the rest is split by weight. The storefront also gets the ingress route.
import { DestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1/DestinationRule';
import { VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1/VirtualService';
import { Construct } from 'constructs';
import { callersOf, callFrom, NAMESPACE } from '../../catalog/services.ts';
import type { DownstreamCall, ServiceName } from '../../catalog/services.ts';
import type { CanaryConfig } from '../config/profiles.ts';
import { typedObject } from '../lib/typed.ts';

/**
 * The mesh retries a request only when it provably never reached the service: the connection could
 * not be made (connect-failure) or the stream was refused before the app saw it (refused-stream).
 * Never on 5xx, resets or timeouts, where a POST may have executed: the callers retry those
 * themselves, with an Idempotency-Key (docs/exactly-once.md). Every route states its retries, because
 * a route without them gets Istio's default, which also retries 503s. A chart test fails if this widens.
 */
export const MESH_RETRY_ON = 'connect-failure,refused-stream';
/** Retries of routes without a catalog edge (callers outside the call graph): Istio's default count. */
const DEFAULT_RETRIES = { attempts: 2, retryOn: MESH_RETRY_ON } as const;
/** Seed: gateway -> storefront 3 attempts of 2 s within 10 s. */
export const INGRESS_ROUTE = { timeoutMs: 10_000, attempts: 3, perTryTimeoutMs: 2_000 } as const;
/** DestinationRule subset names (pods selected by their `version` label). */
export const SUBSET = { stable: 'stable', canary: 'canary' } as const;
export const CANARY_HEADERS: readonly { readonly header: string; readonly value: string }[] = [
  { header: 'canary', value: 'true' },
  { header: 'user-group', value: 'beta' },
];

export function serviceHost(name: string): string {
  return `${name}.${NAMESPACE}.svc.cluster.local`;
}

const ms = (n: number): string => `${n / 1000}s`;

interface RouteTiming {
  readonly timeoutMs: number;
  readonly attempts: number;
  readonly perTryTimeoutMs: number;
}

export function edgeTiming(call: DownstreamCall): RouteTiming {
  return {
    timeoutMs: call.timeoutMs * (call.retries + 1),
    attempts: call.retries,
    perTryTimeoutMs: call.timeoutMs,
  };
}

// Istio's HTTPRoute shape, kept loose here: the VirtualService model validates the result.
type HttpRoute = Record<string, unknown>;

export function routesFor(
  name: ServiceName,
  canary: CanaryConfig | undefined,
  timing: RouteTiming | undefined,
  extraMatch: Record<string, unknown>,
): HttpRoute[] {
  const host = serviceHost(name);
  const timingFields = timing
    ? {
        timeout: ms(timing.timeoutMs),
        retries: {
          attempts: timing.attempts,
          perTryTimeout: ms(timing.perTryTimeoutMs),
          retryOn: MESH_RETRY_ON,
        },
      }
    : { retries: DEFAULT_RETRIES };
  const routes: HttpRoute[] = [];
  if (canary) {
    for (const { header, value } of CANARY_HEADERS) {
      routes.push({
        name: `${header}-override`,
        match: [{ ...extraMatch, headers: { [header]: { exact: value } } }],
        route: [{ destination: { host, subset: SUBSET.canary }, weight: 100 }],
        ...timingFields,
      });
    }
  }
  const weighted = canary
    ? [
        { destination: { host, subset: SUBSET.stable }, weight: 100 - canary.weight },
        { destination: { host, subset: SUBSET.canary }, weight: canary.weight },
      ]
    : [{ destination: { host, subset: SUBSET.stable }, weight: 100 }];
  routes.push({
    name: 'weighted',
    ...(Object.keys(extraMatch).length > 0 ? { match: [extraMatch] } : {}),
    route: weighted,
    ...timingFields,
  });
  return routes;
}

export interface TrafficRoutingProps {
  readonly name: ServiceName;
  readonly stableVersion: string;
  readonly canary: CanaryConfig | undefined;
}

export class TrafficRouting extends Construct {
  constructor(scope: Construct, id: string, props: TrafficRoutingProps) {
    super(scope, id);
    const { name, canary } = props;
    const subsets: { name: string; labels: { version: string } }[] = [
      { name: SUBSET.stable, labels: { version: props.stableVersion } },
    ];
    if (canary) subsets.push({ name: SUBSET.canary, labels: { version: canary.version } });

    typedObject(
      this,
      'destination-rule',
      new DestinationRule({
        metadata: { name },
        spec: {
          host: serviceHost(name),
          trafficPolicy: {
            loadBalancer: { simple: 'LEAST_REQUEST' },
            connectionPool: {
              tcp: { maxConnections: 100, connectTimeout: '1s' },
              http: { http1MaxPendingRequests: 100, http2MaxRequests: 1000, maxRequestsPerConnection: 0 },
            },
            // Seed: eject after 5 consecutive 5xx, checked every 30 s, at most half the pods.
            outlierDetection: {
              consecutive5xxErrors: 5,
              interval: '30s',
              baseEjectionTime: '30s',
              maxEjectionPercent: 50,
            },
          },
          subsets,
        },
      }),
    );

    // Per-caller routes first (sourceLabels), each with that edge's budget; then a catch-all.
    const http: HttpRoute[] = [];
    for (const caller of callersOf(name)) {
      const timing = edgeTiming(callFrom(caller, name));
      http.push(...routesFor(name, canary, timing, { sourceLabels: { app: caller } }));
    }
    http.push(...routesFor(name, canary, undefined, {}));

    typedObject(
      this,
      'virtual-service',
      new VirtualService({
        metadata: { name },
        spec: { hosts: [serviceHost(name)], gateways: ['mesh'], http },
      }),
    );
  }
}
