// The Istio routing objects `make deploy` applies, built in memory from the charts (no dist/ needed):
// the VirtualServices that split a service's traffic, and its DestinationRule's subsets.
import type { ServiceName } from '../../catalog/services.ts';
import type { Profile } from '../../charts-src/config/profiles.ts';
import { SUBSET } from '../../charts-src/constructs/traffic-routing.ts';
import { buildApps } from '../../charts-src/main.ts';
import { parseVirtualService, type CanarySubsets, type VirtualService } from './virtual-service.ts';

export interface ChartRouting {
  /** Every VirtualService routing to the service: the mesh one (named after it), the gateway's. */
  readonly virtualServices: readonly VirtualService[];
  /** The service's DestinationRule subsets: subset name -> pod `version` label. */
  readonly subsets: Readonly<Record<string, string>>;
  /** Every DestinationRule's subsets, by host (the gateway routes to other services too). */
  readonly subsetsByHost: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly split: CanarySubsets;
}

interface K8sObject {
  kind: string;
  metadata: { name: string };
  spec?: { host?: string; subsets?: { name: string; labels?: Record<string, string> }[]; http?: unknown[] };
}

export function chartRouting(profile: Profile, service: ServiceName): ChartRouting {
  const { main } = buildApps(profile, '/nonexistent-in-memory');
  const objects = main.charts.flatMap((chart) => chart.toJson() as K8sObject[]);
  const rules = objects.filter((o) => o.kind === 'DestinationRule' && o.spec?.host);
  const subsetsByHost = Object.fromEntries(
    rules.map((r) => [
      r.spec?.host,
      Object.fromEntries((r.spec?.subsets ?? []).map((s) => [s.name, s.labels?.version ?? ''])),
    ]),
  ) as Record<string, Record<string, string>>;
  const host = rules.find((o) => o.metadata.name === service)?.spec?.host;
  const subsets = host === undefined ? undefined : subsetsByHost[host];
  if (!host || !subsets) throw new Error(`the ${profile.name} profile has no DestinationRule for ${service}`);
  const virtualServices = objects
    .filter(
      (o) => o.kind === 'VirtualService' && JSON.stringify(o.spec?.http ?? []).includes(`"host":"${host}"`),
    )
    .map(parseVirtualService);
  return { virtualServices, subsets, subsetsByHost, split: { host, ...SUBSET } };
}
