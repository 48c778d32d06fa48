// A service's wire contract: its operations (method, path, request schemas, responses) declared
// once with zod. The service binds a handler to each (Api.route) and the same declarations validate
// requests and build the OpenAPI document, so the document cannot drift from the behaviour. Each
// service's contract.ts holds its operations; other services and tools import only that module.
import { z } from 'zod';
import { CORRELATION_HEADER, CORRELATION_ID_PATTERN } from './correlation.ts';
import { FAULT_HEADER_PATTERN } from './faults.ts';
import { keyParameter, PROTOCOL_RESPONSES } from './idempotency/protocol.ts';

export { KEY_PATTERN as IDEMPOTENCY_KEY_PATTERN } from './idempotency/protocol.ts';

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
  /** Honours an Idempotency-Key header (services/kit/idempotency/protocol.ts), optional or required. */
  idempotencyKey?: 'optional' | 'required';
  /**
   * OpenAPI links: per status, what a client (and schemathesis's stateful phase) can call next with
   * values from this answer, e.g. `{ 201: { GetOrder: { operation: 'GET /orders/:id', parameters:
   * { id: '$response.body#/order_id' } } } }`. The operation must be one of the same document.
   */
  links?: Record<number, Record<string, Link>>;
}

export interface Link {
  /** "METHOD /express/path" of an operation in the same document. */
  operation: string;
  /** Parameter name -> runtime expression ($response.body#/..., $request.path.id, ...). */
  parameters: Record<string, string>;
}

// Control characters: none in a single line; tabs and line breaks allowed in multi-line text.
// (Written as \u escapes, not \p{Cc}: the document's patterns must also work in Python's re.)
/* eslint-disable no-control-regex -- matching control characters is the point */
const SINGLE_LINE = /^[^\u0000-\u001f\u007f]*$/;
const MULTI_LINE = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;
/* eslint-enable no-control-regex */

/**
 * Free text a service keeps (a name, a street, a reason): bounded, and without control characters,
 * which the pattern states in the document. PostgreSQL text cannot hold NUL at all, so without the
 * rule a schema-valid request could end in a 500.
 */
export function text(field: string, max: number, opts: { min?: number; multiline?: boolean } = {}) {
  const min = opts.min ?? 1;
  return z
    .string({ error: `${field} must be a string` })
    .min(min, `${field} must be at least ${min} character${min === 1 ? '' : 's'}`)
    .max(max, `${field} must be at most ${max} characters`)
    .regex(
      opts.multiline ? MULTI_LINE : SINGLE_LINE,
      `${field} must not contain control characters${opts.multiline ? ' (except tabs and line breaks)' : ''}`,
    );
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

/** What the running service has switched on that its document must state (services/kit/faults.ts). */
export interface DocumentOptions {
  /** FAULTS_ENABLED: the error fault makes a business route answer 500. */
  faults?: boolean;
  /** FAULT_HEADERS_ENABLED: business routes read the X-Fault request header. */
  faultHeader?: boolean;
}

type AnyOperation = Operation<unknown, unknown, unknown, unknown>;

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

const FAULT_PARAMETER = {
  name: 'X-Fault',
  in: 'header',
  required: false,
  description:
    'Faults for this request and the calls it makes: <service>.<fault>[=<value>], comma-separated ' +
    '(probabilities 0-1, latencies 0-60000 ms); only when the service runs with FAULT_HEADERS_ENABLED',
  schema: { type: 'string', pattern: FAULT_HEADER_PATTERN },
};

function parameters(op: AnyOperation, opts: DocumentOptions): object[] {
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
  if (op.idempotencyKey) out.push(keyParameter(op.idempotencyKey === 'required'));
  if (op.business && opts.faultHeader) out.push(FAULT_PARAMETER);
  return out;
}

/** Every error answer of every service: `{error, message, correlation_id}` (errors.ts). */
const ERROR_BODY = {
  type: 'object',
  required: ['error', 'message', 'correlation_id'],
  properties: {
    error: { type: 'string', description: 'machine-readable code, e.g. validation_failed' },
    message: { type: 'string', description: 'what was wrong, naming the field' },
    correlation_id: { type: ['string', 'null'] },
  },
  additionalProperties: true,
} as const;

const CORRELATION_PARAMETER = {
  name: CORRELATION_HEADER,
  in: 'header',
  required: false,
  description: 'Correlation ID to carry through every service (created when absent)',
  schema: { type: 'string', pattern: CORRELATION_ID_PATTERN.source },
};

/**
 * Answers the kit gives for any operation, besides the operation's own: 400 for invalid input or
 * a bad X-Correlation-ID, 413/415 for bodies that are too large or not JSON, 503 when a business
 * route is made unavailable by a fault.
 */
function kitResponses(op: AnyOperation, opts: DocumentOptions): Record<number, string> {
  const out: Record<number, string> = {
    400: 'invalid request (the message names the field), malformed JSON or a bad X-Correlation-ID',
  };
  if (op.body) {
    out[413] = 'request body too large';
    out[415] = 'request body is not application/json';
  }
  if (op.business) out[503] = 'unavailable (deliberate fault or a dependency down)';
  if (op.business && opts.faults) out[500] = 'injected error fault (FAULTS_ENABLED; never in production)';
  return out;
}

/** The operation's own answers, and those the Idempotency-Key protocol adds (409, 422). */
function ownResponses(op: AnyOperation): Record<number, string> {
  if (!op.idempotencyKey) return op.responses;
  const out = { ...op.responses };
  for (const [status, description] of Object.entries(PROTOCOL_RESPONSES)) {
    const code = Number(status);
    out[code] = out[code] ? `${out[code]}; or ${description}` : description;
  }
  return out;
}

const openapiPath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** A link's target as an operationRef (a JSON pointer into this document), checked to exist. */
function operationRef(target: string, declared: ReadonlySet<string>): string {
  if (!declared.has(target)) throw new Error(`link to ${target}: no such operation in this contract`);
  const [method = '', path = ''] = target.split(' ');
  return `#/paths/${openapiPath(path).replaceAll('~', '~0').replaceAll('/', '~1')}/${method.toLowerCase()}`;
}

function links(op: AnyOperation, status: number, declared: ReadonlySet<string>): object {
  const own = op.links?.[status];
  if (!own) return {};
  const out = Object.entries(own).map(([name, link]) => [
    name,
    { operationRef: operationRef(link.operation, declared), parameters: link.parameters },
  ]);
  return { links: Object.fromEntries(out) };
}

function responses(
  op: AnyOperation,
  declared: ReadonlySet<string>,
  opts: DocumentOptions,
): Record<string, object> {
  const all: Record<number, string> = { ...kitResponses(op, opts), ...ownResponses(op) };
  for (const status of Object.keys(op.links ?? {})) {
    if (!(status in all)) throw new Error(`${op.method} ${op.path}: links for undeclared status ${status}`);
  }
  return Object.fromEntries(
    Object.entries(all).map(([status, description]) => [
      status,
      {
        description,
        headers: { 'X-Correlation-ID': { schema: { type: 'string' }, required: true } },
        ...(Number(status) >= 400
          ? { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }
          : {}),
        ...links(op, Number(status), declared),
      },
    ]),
  );
}

/** The OpenAPI 3.1 document of a list of operations. */
export function openapiDocument(
  info: OpenApiInfo,
  operations: readonly AnyOperation[],
  opts: DocumentOptions = {},
): object {
  const paths: Record<string, Record<string, unknown>> = {};
  const declared = new Set(operations.map((op) => `${op.method.toUpperCase()} ${op.path}`));
  for (const op of operations) {
    const oaPath = openapiPath(op.path);
    paths[oaPath] ??= {};
    paths[oaPath][op.method] = {
      summary: op.summary,
      parameters: [...parameters(op, opts), CORRELATION_PARAMETER],
      ...(op.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(op.body) } },
            },
          }
        : {}),
      responses: responses(op, declared, opts),
    };
  }
  return { openapi: '3.1.0', info, paths, components: { schemas: { Error: ERROR_BODY } } };
}
