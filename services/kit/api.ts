// Routes declared with zod schemas. The same schemas validate requests (strictly: unknown fields are
// rejected) and generate /openapi.json, so the documentation cannot drift from the behaviour.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { context, trace } from '@opentelemetry/api';
import type { z } from 'zod';
import { openapiDocument, type OpenApiInfo, type Operation } from './contract.ts';
import { HttpError } from './errors.ts';

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
}

export interface RouteDef<B, Q, P, H> extends Operation<B, Q, P, H> {
  handler(input: RouteInput<B, Q, P, H>): Promise<Reply> | Reply;
}

type AnyRoute = RouteDef<unknown, unknown, unknown, unknown>;

function describeIssues(location: string, error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const path = [location, ...i.path.map(String)].join('.');
      return `${path}: ${i.message}`;
    })
    .join('; ');
}

function parse<T>(location: string, schema: z.ZodType<T> | undefined, value: unknown): T {
  if (!schema) return value as T;
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new HttpError(400, 'validation_failed', describeIssues(location, result.error), {
      issues: result.error.issues.map((i) => ({ location, path: i.path.map(String), message: i.message })),
    });
  }
  return result.data;
}

const BODY_METHODS = new Set(['post', 'put', 'patch']);

export class Api {
  private readonly routes: AnyRoute[] = [];
  readonly router = Router();
  private readonly beforeBusiness: RequestHandler[];

  constructor(opts: { beforeBusiness?: RequestHandler[] } = {}) {
    this.beforeBusiness = opts.beforeBusiness ?? [];
  }

  route<B = undefined, Q = undefined, P = undefined, H = undefined>(def: RouteDef<B, Q, P, H>): void {
    const route = def as unknown as AnyRoute;
    this.routes.push(route);
    const spanName = `${def.method.toUpperCase()} ${def.path}`;
    const handler: RequestHandler = async (req, res) => {
      // The server span only knows the method; name it by route template, as the semantic conventions ask.
      trace.getSpan(context.active())?.updateName(spanName).setAttribute('http.route', def.path);
      if (BODY_METHODS.has(def.method) && route.body) {
        if (!req.is('application/json')) {
          throw new HttpError(415, 'unsupported_media_type', 'Content-Type must be application/json');
        }
      }
      const input: RouteInput<unknown, unknown, unknown, unknown> = {
        body: route.body ? parse('body', route.body, req.body) : undefined,
        query: parse('query', route.query, { ...req.query }),
        params: parse('params', route.params, { ...req.params }),
        headers: parse('headers', route.headers, req.headers),
        req,
        res,
      };
      const reply = await route.handler(input);
      if (reply.headers) res.set(reply.headers);
      res.status(reply.status ?? 200);
      if (reply.body === undefined) res.end();
      else res.json(reply.body);
    };
    const chain = def.business ? [...this.beforeBusiness, handler] : [handler];
    this.router[def.method](def.path, ...chain);
  }

  /**
   * Ends the route table: a method a declared path does not serve gets 405 with an Allow header
   * (an unknown path gets 404). Called once every route is declared; in this router, so that
   * OPTIONS is answered here too, not by the router's automatic reply.
   */
  endRoutes(): void {
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
      this.router.all(path, (req, res) => {
        res.set('Allow', allow);
        throw new HttpError(
          405,
          'method_not_allowed',
          `${req.method} is not allowed on ${path}; use ${allow}`,
        );
      });
    }
  }

  openapi(info: OpenApiInfo): object {
    return openapiDocument(info, this.routes);
  }
}
