// The petstore namespace and everything in it for one profile.
import { Chart } from 'cdk8s';
import type { App } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { NAMESPACE, SERVICE_NAMES, SERVICES } from '../../catalog/services.ts';
import type { Profile } from '../config/profiles.ts';
import { AlertRules } from '../constructs/alert-rules.ts';
import { Dashboards } from '../constructs/dashboards.ts';
import { MeshSecurity } from '../constructs/mesh-security.ts';
import { Microservice } from '../constructs/microservice.ts';
import { renderDefaultDeny, renderWorkloadPolicy } from '../constructs/network-policy.ts';
import { jaegerNetworkPolicy, loadNetworkPolicy, postgresNetworkPolicy } from '../constructs/peers.ts';
import { Postgres } from '../constructs/postgres.ts';
import { TraceBackend } from '../constructs/trace-backend.ts';
import { TrafficRouting } from '../constructs/traffic-routing.ts';
import { podSecurityLabels } from '../lib/hardening.ts';
import { PART_OF } from '../lib/labels.ts';

/** Cluster-scoped: the namespace itself, with Istio sidecar injection switched on and Pod Security
 * `restricted` enforced (the k6 Jobs run in it too). */
export class NamespaceChart extends Chart {
  constructor(scope: App, id: string) {
    super(scope, id);
    new kplus.Namespace(this, 'namespace', {
      metadata: {
        name: NAMESPACE,
        labels: {
          'istio-injection': 'enabled',
          'app.kubernetes.io/part-of': PART_OF,
          ...podSecurityLabels(),
        },
      },
    });
  }
}

export class PetstoreChart extends Chart {
  readonly services: Microservice[];

  constructor(scope: App, id: string, profile: Profile) {
    super(scope, id, { namespace: NAMESPACE, labels: { 'app.kubernetes.io/part-of': PART_OF } });
    const postgres = new Postgres(this, 'postgres', { profile });
    new TraceBackend(this, 'jaeger', { profile });

    this.services = SERVICE_NAMES.map(
      (name) =>
        new Microservice(this, name, {
          spec: SERVICES[name],
          profile,
          databaseSecret: SERVICES[name].stateful ? postgres.secret : undefined,
        }),
    );
    for (const svc of this.services) {
      new TrafficRouting(this, `${svc.spec.name}-routing`, {
        name: svc.spec.name,
        stableVersion: profile.stableVersion,
        canary: svc.canaryConfig,
      });
    }
    new MeshSecurity(this, 'mesh', { canaries: profile.canaries });
    new AlertRules(this, 'rules');
    new Dashboards(this, 'dashboards');

    renderDefaultDeny(this, 'default-deny');
    renderWorkloadPolicy(this, 'postgres-netpol', postgresNetworkPolicy());
    renderWorkloadPolicy(this, 'jaeger-netpol', jaegerNetworkPolicy());
    renderWorkloadPolicy(this, 'k6-netpol', loadNetworkPolicy());
  }
}
