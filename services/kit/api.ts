// Routes declared with zod schemas. The same schemas validate requests (strictly: unknown fields are
// rejected) and generate /openapi.json, so the documentation cannot drift from the behaviour.
import type { Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import { openapiDocument, type DocumentOptions, type OpenApiInfo, type Operation } from './contract.ts';
import { HttpError } from './errors.ts';
import {
  fingerprint,
  IDEMPOTENCY_KEY_HEADER,
  readKey,
  runIdempotently,
  wire,
  type IdempotencyOutcome,
  type IdempotentCall,
  type WireResponse,
} from './idempotency/protocol.ts';
import type { IdempotencyStore } from './idempotency/store.ts';

export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteInput<B, Q, P, H> {
  body: B;
  query: Q;
  params: P;
  headers: H;
  req: Request;
  res: Response;
  /** Set on operations with an Idempotency-Key when the request carries one. */
  idempotency?: IdempotentCall;
}

export interface RouteDef<B, Q, P, H> extends Operation<B, Q, P, H> {
  /**
   * For an operation with an Idempotency-Key: whose key space a key lives in, i.e. the caller as the
   * request names it (the customer, or a resource that belongs to one). One key in two scopes is two keys.
   */
  idempotencyScope?(input: RouteInput<B, Q, P, H>): string;
  handler(input: RouteInput<B, Q, P, H>): Promise<Reply> | Reply;
}

type AnyRoute = RouteDef<unknown, unknown, unknown, unknown>;

function describeIssue(location: string, issue: z.core.$ZodIssue): string {
  return `${[location, ...issue.path.map(String)].join('.')}: ${issue.message}`;
}

interface Parsed {
  location: string;
  result: z.ZodSafeParseResult<unknown>;
}

function parse(location: string, schema: z.ZodType | undefined, value: unknown): Parsed {
  return { location, result: schema ? schema.safeParse(value) : { success: true, data: value } };
}

/**
 * The parsed request parts, or the error naming every problem. 400 when a part does not match its
 * schema (what the OpenAPI document says); 422 when it does, and only a refinement the document
 * cannot express refused it (a cross-field rule such as min <= max): schema-valid but unprocessable.
 */
function validated(parts: Parsed[]): unknown[] {
  const failed = parts.flatMap(({ location, result }) =>
    result.success ? [] : result.error.issues.map((issue) => ({ location, issue })),
  );
  if (!failed.length) return parts.map((p) => (p.result as { data: unknown }).data);
  const status = failed.every(({ issue }) => issue.code === 'custom') ? 422 : 400;
  throw new HttpError(
    status,
    'validation_failed',
    failed.map(({ location, issue }) => describeIssue(location, issue)).join('; '),
    {
      issues: failed.map(({ location, issue }) => ({
        location,
        path: issue.path.map(String),
        message: issue.message,
      })),
    },
  );
}

const BODY_METHODS = new Set(['post', 'put', 'patch']);

export interface ApiOptions {
  beforeBusiness?: RequestHandler[];
  /** Where operations with an Idempotency-Key keep their keys (stateful services). */
  idempotency?: IdempotencyStore;
  onIdempotency?(route: string, outcome: IdempotencyOutcome): void;
}

/**
 * Writes a reply: status, headers, then the JSON text in one end() (node adds Content-Length and
 * sends no body to HEAD). The kit's replies are always JSON, so express's content negotiation in
 * res.json/res.send (type lookup, charset parsing, freshness) is not needed on every request.
 */
function send(res: Response, { status, headers, body }: WireResponse): void {
  res.set(headers);
  res.statusCode = status;
  if (body === null) {
    res.end();
    return;
  }
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  // HEAD: node drops the body and with it the length; say what GET would send.
  if (res.req.method === 'HEAD') res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/** A handler's reply as it goes on the wire (200 unless it says otherwise). */
function toWire(reply: Reply): WireResponse {
  return wire(reply.status ?? 200, reply.body, reply.headers);
}

/** The request parts a route declares a schema for, validated; undefined for the others. */
function inputParts(route: AnyRoute, req: Request): unknown[] {
  if (!route.body && !route.query && !route.params && !route.headers) return NO_PARTS;
  return validated([
    parse('body', route.body, route.body ? req.body : undefined),
    parse('query', route.query, route.query ? { ...req.query } : undefined),
    parse('params', route.params, route.params ? { ...req.params } : undefined),
    parse('headers', route.headers, route.headers ? req.headers : undefined),
  ]);
}
const NO_PARTS: unknown[] = [undefined, undefined, undefined, undefined];

export class Api {
  private readonly routes: AnyRoute[] = [];
  /** Each declared route's path, method and handler chain, registered by mount(). */
  private readonly chains: { path: string; method: AnyRoute['method']; chain: RequestHandler[] }[] = [];
  private readonly opts: ApiOptions;

  constructor(opts: ApiOptions = {}) {
    this.opts = opts;
  }

  /** Runs the handler of an operation with an Idempotency-Key under its key (plainly without one). */
  private async idempotent(
    route: AnyRoute,
    input: RouteInput<unknown, unknown, unknown, unknown>,
  ): Promise<WireResponse> {
    const { req } = input;
    const key = readKey(req.get(IDEMPOTENCY_KEY_HEADER), route.idempotencyKey === 'required');
    const execute = async (call?: IdempotentCall): Promise<WireResponse> =>
      toWire(await route.handler(call ? { ...input, idempotency: call } : input));
    const store = this.opts.idempotency;
    if (key === undefined || !store || !route.idempotencyScope) return execute();
    const request = {
      scope: route.idempotencyScope(input),
      key,
      fingerprint: fingerprint(route.method, `${req.baseUrl}${req.path}`, input.body),
    };
    return runIdempotently(store, request, execute, (outcome) =>
      this.opts.onIdempotency?.(route.path, outcome),
    );
  }

  route<B = undefined, Q = undefined, P = undefined, H = undefined>(def: RouteDef<B, Q, P, H>): void {
    const route = def as unknown as AnyRoute;
    if (route.idempotencyKey && (!route.idempotencyScope || !this.opts.idempotency)) {
      throw new Error(
        `${def.method.toUpperCase()} ${def.path}: an Idempotency-Key needs an idempotencyScope and the service's database`,
      );
    }
    this.routes.push(route);
    const handler: RequestHandler = (req, res) => {
      if (BODY_METHODS.has(def.method) && route.body) {
        if (!req.is('application/json')) {
          throw new HttpError(415, 'unsupported_media_type', 'Content-Type must be application/json');
        }
      }
      const [body, query, params, headers] = inputParts(route, req);
      const input: RouteInput<unknown, unknown, unknown, unknown> = {
        body,
        query,
        params,
        headers,
        req,
        res,
      };
      if (route.idempotencyKey) return this.idempotent(route, input).then((response) => send(res, response));
      const reply = route.handler(input);
      // Synchronous handlers answer without a promise turn.
      if (reply instanceof Promise) return reply.then((r) => send(res, toWire(r)));
      send(res, toWire(reply));
      return undefined;
    };
    const chain = def.business ? [...(this.opts.beforeBusiness ?? []), handler] : [handler];
    this.chains.push({ path: def.path, method: def.method, chain });
  }

  /**
   * Registers the declared routes on `app` (a router or the express app itself), then ends the route
   * table: a method a declared path does not serve gets 405 with an Allow header (an unknown path gets
   * 404). Called once, after every route is declared, so OPTIONS is answered here too, not by the
   * router's automatic reply.
   */
  mount(app: Pick<Router, 'get' | 'post' | 'put' | 'patch' | 'delete' | 'all'>): void {
    for (const { path, method, chain } of this.chains) app[method](path, ...chain);
    const byPath = new Map<string, Set<string>>();
    for (const r of this.routes) {
      const methods = byPath.get(r.path) ?? new Set<string>();
      methods.add(r.method.toUpperCase());
      if (r.method === 'get') methods.add('HEAD');
      byPath.set(r.path, methods);
    }
    // Literal paths first: /payments/void must not be answered by /payments/:id's methods.
    const literalFirst = [...byPath].sort(([a], [b]) => Number(a.includes(':')) - Number(b.includes(':')));
    for (const [path, methods] of literalFirst) {
      const allow = [...methods].join(', ');
      app.all(path, (req, res) => {
        res.set('Allow', allow);
        throw new HttpError(
          405,
          'method_not_allowed',
          `${req.method} is not allowed on ${path}; use ${allow}`,
        );
      });
    }
  }

  openapi(info: OpenApiInfo, opts: DocumentOptions = {}): object {
    return openapiDocument(info, this.routes, opts);
  }
}
