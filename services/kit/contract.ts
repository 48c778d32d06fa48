// A service's wire contract: its operations (method, path, request schemas, responses) declared
// once with zod. The service binds a handler to each (Api.route) and the same declarations validate
// requests and build the OpenAPI document, so the document cannot drift from the behaviour. Each
// service's contract.ts holds its operations; other services and tools import only that module.
import { z } from 'zod';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface Operation<B = unknown, Q = unknown, P = unknown, H = unknown> {
  method: Method;
  /** Express path, e.g. /orders/:id */
  path: string;
  summary: string;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  headers?: z.ZodType<H>;
  /** Status code -> description, for the OpenAPI document. */
  responses: Record<number, string>;
  /** Business routes answer 503 when the service is marked unavailable by a fault. */
  business?: boolean;
}

/** Declares one operation (keeps the schema types for the handler bound to it). */
export function operation<B = undefined, Q = undefined, P = undefined, H = undefined>(
  op: Operation<B, Q, P, H>,
): Operation<B, Q, P, H> {
  return op;
}

export interface OpenApiInfo {
  title: string;
  version: string;
  description: string;
}

type AnyOperation = Operation<unknown, unknown, unknown, unknown>;

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

function parameters(op: AnyOperation): object[] {
  const out: object[] = [];
  for (const [location, schema] of [
    ['path', op.params],
    ['query', op.query],
    ['header', op.headers],
  ] as const) {
    if (!schema) continue;
    const json = jsonSchema(schema) as { properties?: Record<string, object>; required?: string[] };
    for (const [name, prop] of Object.entries(json.properties ?? {})) {
      out.push({ name, in: location, required: json.required?.includes(name) ?? false, schema: prop });
    }
  }
  return out;
}

/** The OpenAPI 3.1 document of a list of operations. */
export function openapiDocument(info: OpenApiInfo, operations: readonly AnyOperation[]): object {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const oaPath = op.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    paths[oaPath] ??= {};
    paths[oaPath][op.method] = {
      summary: op.summary,
      parameters: parameters(op),
      ...(op.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(op.body) } },
            },
          }
        : {}),
      responses: Object.fromEntries(
        Object.entries(op.responses).map(([status, description]) => [status, { description }]),
      ),
    };
  }
  return { openapi: '3.1.0', info, paths };
}
