// Istio VirtualService routing semantics, for the local router and for the promoter's weight patches.
// The subset of networking.istio.io/v1 HTTPRoute the charts use is understood exactly (match on uri,
// headers, method, sourceLabels; weighted destinations; rewrite; timeout; retries). Anything else is
// refused when the object is read, so the router never silently ignores a rule it does not know.
//   - routes are tried in order, the first match wins; a route without `match` matches everything;
//   - a route's match list is OR, the fields of one match are AND;
//   - uri.prefix is tested against the path with its query (Envoy's :path), exact and regex without;
//     regex is a full match (RE2 semantics, as Istio);
//   - sourceLabels match the calling workload's labels: a client outside the mesh has none;
//   - weights split traffic per request; a single destination takes everything.
import { z } from 'zod';

const stringMatch = z
  .strictObject({ exact: z.string().optional(), prefix: z.string().optional(), regex: z.string().optional() })
  .refine((m) => [m.exact, m.prefix, m.regex].filter((v) => v !== undefined).length === 1, {
    message: 'a string match needs exactly one of exact, prefix, regex',
  });
export type StringMatch = z.infer<typeof stringMatch>;

const matchRequest = z.strictObject({
  name: z.string().optional(),
  uri: stringMatch.optional(),
  method: stringMatch.optional(),
  headers: z.record(z.string().regex(/^[a-z0-9-]+$/, 'header names are lowercase'), stringMatch).optional(),
  sourceLabels: z.record(z.string(), z.string()).optional(),
});
export type MatchRequest = z.infer<typeof matchRequest>;

const destination = z.strictObject({
  host: z.string().min(1),
  subset: z.string().optional(),
  port: z.strictObject({ number: z.number().int() }).optional(),
});
export type Destination = z.infer<typeof destination>;

const duration = z.string().regex(/^\d+(\.\d+)?(ms|s|m|h)$/, 'a duration such as 2s or 500ms');

const httpRoute = z
  .strictObject({
    name: z.string().optional(),
    match: z.array(matchRequest).optional(),
    route: z
      .array(z.strictObject({ destination, weight: z.number().int().min(0).max(100).optional() }))
      .min(1),
    rewrite: z.strictObject({ uri: z.string() }).optional(),
    timeout: duration.optional(),
    retries: z
      .strictObject({
        attempts: z.number().int().min(0),
        perTryTimeout: duration.optional(),
        retryOn: z.string().optional(),
      })
      .optional(),
  })
  .refine((r) => r.route.length === 1 || r.route.every((d) => d.weight !== undefined), {
    message: 'with several destinations every one needs a weight',
  })
  .refine((r) => r.route.reduce((n, d) => n + (d.weight ?? 100), 0) > 0, { message: 'weights sum to 0' });
export type HttpRoute = z.infer<typeof httpRoute>;

const virtualService = z.object({
  apiVersion: z.literal('networking.istio.io/v1'),
  kind: z.literal('VirtualService'),
  metadata: z.looseObject({ name: z.string(), namespace: z.string().optional() }),
  spec: z.strictObject({
    hosts: z.array(z.string()).min(1),
    gateways: z.array(z.string()).optional(),
    http: z.array(httpRoute).min(1),
  }),
});
export type VirtualService = z.infer<typeof virtualService>;

/** Reads a VirtualService, refusing fields the router would not honour (message names them). */
export function parseVirtualService(obj: unknown): VirtualService {
  const parsed = virtualService.safeParse(obj);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new Error(`VirtualService not understood: ${problems.join('; ')}`);
}

export interface RequestInfo {
  readonly method: string;
  /** Path with query string, as sent. */
  readonly path: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Labels of the calling workload; {} outside the mesh. */
  readonly sourceLabels: Readonly<Record<string, string>>;
}

function matchesString(m: StringMatch, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (m.exact !== undefined) return value === m.exact;
  if (m.prefix !== undefined) return value.startsWith(m.prefix);
  return new RegExp(`^(?:${m.regex})$`).test(value);
}

function matchesRequest(m: MatchRequest, req: RequestInfo): boolean {
  const pathOnly = req.path.split('?')[0];
  if (m.uri && !matchesString(m.uri, m.uri.prefix !== undefined ? req.path : pathOnly)) return false;
  if (m.method && !matchesString(m.method, req.method)) return false;
  for (const [name, hm] of Object.entries(m.headers ?? {}))
    if (!matchesString(hm, req.headers[name])) return false;
  for (const [k, v] of Object.entries(m.sourceLabels ?? {})) if (req.sourceLabels[k] !== v) return false;
  return true;
}

export interface RouteChoice {
  readonly route: HttpRoute;
  readonly index: number;
  /** The match that selected the route (undefined: the route matches everything). */
  readonly matched: MatchRequest | undefined;
}

/** The first route that matches, or undefined (Envoy answers 404 then). */
export function selectRoute(vs: VirtualService, req: RequestInfo): RouteChoice | undefined {
  for (const [index, route] of vs.spec.http.entries()) {
    if (!route.match || route.match.length === 0) return { route, index, matched: undefined };
    const matched = route.match.find((m) => matchesRequest(m, req));
    if (matched) return { route, index, matched };
  }
  return undefined;
}

/** One destination, drawn by weight; `random` returns a number in [0, 1). */
export function pickDestination(route: HttpRoute, random: () => number): Destination {
  const total = route.route.reduce((n, d) => n + (d.weight ?? 100), 0);
  let draw = random() * total;
  for (const d of route.route) {
    draw -= d.weight ?? 100;
    if (draw < 0) return d.destination;
  }
  return (route.route.findLast((d) => (d.weight ?? 100) > 0) ?? route.route[0])!.destination;
}

/** The path sent upstream: rewrite.uri replaces a matched prefix, or the whole path otherwise. */
export function rewrittenPath(choice: RouteChoice, path: string): string {
  const uri = choice.route.rewrite?.uri;
  if (uri === undefined) return path;
  const prefix = choice.matched?.uri?.prefix;
  if (prefix !== undefined) return uri + path.slice(prefix.length);
  const query = path.includes('?') ? path.slice(path.indexOf('?')) : '';
  return uri + query;
}

/** Milliseconds of an Istio duration such as '10s' or '500ms'. */
export function durationMs(d: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(d);
  if (!m) throw new Error(`not a duration: ${d}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}

// --- The canary split: routes that send one host's traffic to both its stable and canary subsets.

export interface CanarySubsets {
  readonly host: string;
  readonly stable: string;
  readonly canary: string;
}

function isSplit(route: HttpRoute, s: CanarySubsets): boolean {
  const subsets = route.route.filter((d) => d.destination.host === s.host).map((d) => d.destination.subset);
  return route.route.length === 2 && subsets.includes(s.stable) && subsets.includes(s.canary);
}

/** The canary's weight in the split routes; an error when there are none or they disagree. */
export function canaryWeightOf(vs: VirtualService, s: CanarySubsets): number {
  const weights = vs.spec.http
    .filter((r) => isSplit(r, s))
    .map((r) => r.route.find((d) => d.destination.subset === s.canary)?.weight ?? 0);
  if (weights.length === 0)
    throw new Error(
      `VirtualService ${vs.metadata.name} splits no traffic between ${s.host} ${s.stable} and ${s.canary}`,
    );
  const distinct = [...new Set(weights)];
  if (distinct.length > 1)
    throw new Error(
      `VirtualService ${vs.metadata.name}: its split routes disagree (canary ${distinct.join(' vs ')} %)`,
    );
  return distinct[0] as number;
}

/** The same VirtualService with every split route at canary `weight` % (the rest untouched). */
export function withCanaryWeight(vs: VirtualService, s: CanarySubsets, weight: number): VirtualService {
  if (!Number.isInteger(weight) || weight < 0 || weight > 100)
    throw new RangeError(`canary weight ${weight} is not 0..100`);
  canaryWeightOf(vs, s); // refuses an object without a split
  const http = vs.spec.http.map((r) =>
    isSplit(r, s)
      ? {
          ...r,
          route: r.route.map((d) => ({
            ...d,
            weight: d.destination.subset === s.canary ? weight : 100 - weight,
          })),
        }
      : r,
  );
  return { ...vs, spec: { ...vs.spec, http } };
}
