// Mesh identity rules: mTLS required for every workload in the namespace, and per workload an
// AuthorizationPolicy that admits exactly the service accounts of its callers, plus the ingress
// gateway for the paths it exposes (config/ingress.ts). Also the Gateway and its VirtualService.
import { Gateway } from '@kubernetes-models/istio/networking.istio.io/v1/Gateway';
import { VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1/VirtualService';
import { AuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import { PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication';
import { Construct } from 'constructs';
import { callersOf, NAMESPACE, SERVICE_NAMES } from '../../catalog/services.ts';
import type { ServiceName } from '../../catalog/services.ts';
import { ingressRoutesOf, INGRESS_ROUTES } from '../config/ingress.ts';
import type { CanaryConfig } from '../config/profiles.ts';
import {
  INGRESS_GATEWAY_SELECTOR,
  INGRESS_GATEWAY_RELEASE,
  INGRESS_NAMESPACE,
  JAEGER,
  POSTGRES,
} from '../config/platform.ts';
import { serviceAccountName } from '../lib/labels.ts';
import { typedObject } from '../lib/typed.ts';
import { principal, STATEFUL_SERVICES } from './peers.ts';
import { INGRESS_ROUTE, routesFor } from './traffic-routing.ts';

export const GATEWAY_NAME = 'petstore-gateway';

const GATEWAY_PRINCIPAL = principal(INGRESS_NAMESPACE, INGRESS_GATEWAY_RELEASE);

interface AuthzRule {
  from: { source: { principals: string[] } }[];
  to?: { operation: { paths?: string[]; methods?: string[] } }[];
}

/** Callers may use any route; the gateway only the paths and methods it exposes. */
export function authorizationRules(name: ServiceName): AuthzRule[] {
  const rules: AuthzRule[] = [];
  const callers = callersOf(name).map((caller) => principal(NAMESPACE, serviceAccountName(caller)));
  if (callers.length > 0) rules.push({ from: [{ source: { principals: callers } }] });
  for (const route of ingressRoutesOf(name)) {
    const operation = {
      ...(route.paths ? { paths: [...route.paths] } : {}),
      ...(route.methods ? { methods: [...route.methods] } : {}),
    };
    rules.push({
      from: [{ source: { principals: [GATEWAY_PRINCIPAL] } }],
      ...(Object.keys(operation).length > 0 ? { to: [{ operation }] } : {}),
    });
  }
  return rules;
}

function allowFrom(scope: Construct, id: string, app: string, rules: AuthzRule[]): void {
  typedObject(
    scope,
    id,
    new AuthorizationPolicy({
      metadata: { name: app },
      spec: { selector: { matchLabels: { app } }, action: 'ALLOW', rules },
    }),
  );
}

const fromServiceAccounts = (names: readonly ServiceName[]): AuthzRule[] => [
  { from: [{ source: { principals: names.map((n) => principal(NAMESPACE, serviceAccountName(n))) } }] },
];

export interface MeshSecurityProps {
  readonly canaries: Partial<Record<ServiceName, CanaryConfig>>;
}

export class MeshSecurity extends Construct {
  constructor(scope: Construct, id: string, props: MeshSecurityProps) {
    super(scope, id);
    typedObject(
      this,
      'peer-authentication',
      new PeerAuthentication({ metadata: { name: 'default' }, spec: { mtls: { mode: 'STRICT' } } }),
    );

    for (const name of SERVICE_NAMES) allowFrom(this, `authz-${name}`, name, authorizationRules(name));
    allowFrom(this, 'authz-postgres', POSTGRES.name, fromServiceAccounts(STATEFUL_SERVICES));
    allowFrom(this, 'authz-jaeger', JAEGER.name, fromServiceAccounts(SERVICE_NAMES));

    typedObject(
      this,
      'gateway',
      new Gateway({
        metadata: { name: GATEWAY_NAME },
        spec: {
          selector: { ...INGRESS_GATEWAY_SELECTOR },
          servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }],
        },
      }),
    );
    // Path routes in INGRESS_ROUTES order; each exposed service keeps its canary split and overrides.
    const http = INGRESS_ROUTES.flatMap((route) =>
      routesFor(
        route.service,
        props.canaries[route.service],
        INGRESS_ROUTE,
        route.prefix === '/' ? {} : { uri: { prefix: route.prefix } },
      ).map((r) => (route.stripPrefix ? { ...r, rewrite: { uri: '/' } } : r)),
    );
    typedObject(
      this,
      'ingress-route',
      new VirtualService({
        metadata: { name: 'ingress' },
        spec: { hosts: ['*'], gateways: [GATEWAY_NAME], http },
      }),
    );
  }
}
