// Mesh identity rules: mTLS required for every workload in the namespace, and per workload an
// AuthorizationPolicy that admits exactly the service accounts of its callers (plus the ingress
// gateway for the storefront). Also the ingress Gateway and the storefront's public route.
import { Gateway } from '@kubernetes-models/istio/networking.istio.io/v1/Gateway';
import { VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1/VirtualService';
import { AuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import { PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication';
import { Construct } from 'constructs';
import { callersOf, NAMESPACE, SERVICE_NAMES } from '../../catalog/services.ts';
import type { ServiceName } from '../../catalog/services.ts';
import type { CanaryConfig } from '../config/profiles.ts';
import {
  INGRESS_GATEWAY_SELECTOR,
  INGRESS_GATEWAY_SERVICE_ACCOUNT,
  INGRESS_NAMESPACE,
  JAEGER,
  POSTGRES,
} from '../config/platform.ts';
import { serviceAccountName } from '../lib/labels.ts';
import { typedObject } from '../lib/typed.ts';
import { INGRESS_EXPOSED, principal, STATEFUL_SERVICES } from './peers.ts';
import { INGRESS_ROUTE, routesFor } from './traffic-routing.ts';

export const GATEWAY_NAME = 'petstore-gateway';

export function allowedPrincipals(name: ServiceName): string[] {
  const principals = callersOf(name).map((caller) => principal(NAMESPACE, serviceAccountName(caller)));
  if (INGRESS_EXPOSED.includes(name))
    principals.push(principal(INGRESS_NAMESPACE, INGRESS_GATEWAY_SERVICE_ACCOUNT));
  return principals;
}

function allowFrom(scope: Construct, id: string, app: string, principals: string[]): void {
  typedObject(
    scope,
    id,
    new AuthorizationPolicy({
      metadata: { name: app },
      spec: {
        selector: { matchLabels: { app } },
        action: 'ALLOW',
        rules: [{ from: [{ source: { principals } }] }],
      },
    }),
  );
}

export interface MeshSecurityProps {
  readonly stableVersion: string;
  readonly storefrontCanary: CanaryConfig | undefined;
}

export class MeshSecurity extends Construct {
  constructor(scope: Construct, id: string, props: MeshSecurityProps) {
    super(scope, id);
    typedObject(
      this,
      'peer-authentication',
      new PeerAuthentication({ metadata: { name: 'default' }, spec: { mtls: { mode: 'STRICT' } } }),
    );

    for (const name of SERVICE_NAMES) allowFrom(this, `authz-${name}`, name, allowedPrincipals(name));
    allowFrom(
      this,
      'authz-postgres',
      POSTGRES.name,
      STATEFUL_SERVICES.map((n) => principal(NAMESPACE, serviceAccountName(n))),
    );
    allowFrom(
      this,
      'authz-jaeger',
      JAEGER.name,
      SERVICE_NAMES.map((n) => principal(NAMESPACE, serviceAccountName(n))),
    );

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
    const [storefront] = INGRESS_EXPOSED;
    if (!storefront) throw new Error('no service is exposed through the ingress gateway');
    typedObject(
      this,
      'storefront-route',
      new VirtualService({
        metadata: { name: `${storefront}-ingress` },
        spec: {
          hosts: ['*'],
          gateways: [GATEWAY_NAME],
          http: routesFor(storefront, props.storefrontCanary, INGRESS_ROUTE, {}),
        },
      }),
    );
  }
}
