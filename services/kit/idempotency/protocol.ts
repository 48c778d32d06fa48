// The Idempotency-Key protocol of a route, after the IETF httpapi draft "The Idempotency-Key HTTP
// Header Field" (and Stripe's API): the first request with a key executes; a repeat with the same key
// and the same request gets the stored response (status, headers, byte-identical body) without
// executing; the same key with another request gets 422; a repeat while the first is in flight gets
// 409 with Retry-After. Only final answers are stored: a 5xx, or an answer that says "retry after",
// gives the key back, and the next request with it executes again as a *resumed* execution that
// sees what the first one bound (so a handler can finish what it started instead of starting over).
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Queryable } from '../db/index.ts';
import { errorBody, HttpError, retryLater } from '../errors.ts';
import type { IdempotencyStore, StoredResponse } from './store.ts';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
/** Set on a replayed answer (as Stripe does), so clients and tests can tell. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';
/** A key as a body field names it (payment's void): 1-128 of A-Z a-z 0-9 _ : . - */
export const KEY_PATTERN = '^[A-Za-z0-9_:.-]{1,128}$';
/** The header: such a key, bare or as an RFC 8941 string ("..."), as the IETF draft writes it. */
const HEADER_PATTERN = '^(?:[A-Za-z0-9_:.-]{1,128}|"[A-Za-z0-9_:.-]{1,128}")$';
const HEADER = new RegExp(HEADER_PATTERN);

export type IdempotencyOutcome = 'executed' | 'resumed' | 'replayed' | 'in_flight' | 'mismatch';

/** What an idempotent handler learns about its key. */
export interface IdempotentCall {
  readonly key: string;
  readonly scope: string;
  /** An earlier request with this key started executing and stored no answer (crash, 5xx). */
  readonly resumed: boolean;
  /** What that earlier execution bound with bind(), e.g. the id of the order it created. */
  readonly resource: string | null;
  /** Binds what this execution creates to the key, inside the caller's transaction. */
  bind(q: Queryable, resource: string): Promise<void>;
}

/** A response as it goes on the wire: the body already serialised, so a replay is byte-identical. */
export type WireResponse = StoredResponse;

/**
 * The key of a request: a bare token or an RFC 8941 string ("..."); undefined when absent and not
 * required. A malformed (an empty header too) or missing required key is a 400 naming the rule.
 */
export function readKey(raw: string | undefined, required: boolean): string | undefined {
  if (raw === undefined) {
    if (required)
      throw new HttpError(400, 'missing_idempotency_key', `${IDEMPOTENCY_KEY_HEADER} header is required`);
    return undefined;
  }
  if (!HEADER.test(raw)) {
    throw new HttpError(
      400,
      'invalid_idempotency_key',
      `${IDEMPOTENCY_KEY_HEADER} must be 1-128 characters of A-Z a-z 0-9 _ : . - (bare or "quoted")`,
    );
  }
  return raw.startsWith('"') ? raw.slice(1, -1) : raw;
}

/** Same method, path and (canonical, RFC 8785) body => same fingerprint; key order does not matter. */
export function fingerprint(method: string, path: string, body: unknown): string {
  const text = canonicalize([method.toUpperCase(), path, body ?? null]) ?? '';
  return createHash('sha256').update(text).digest('hex');
}

/** Stored answers are the final ones: not a 5xx, and not an answer telling the client to come back. */
export function isFinal(response: WireResponse): boolean {
  return (
    response.status < 500 && !Object.keys(response.headers).some((h) => h.toLowerCase() === 'retry-after')
  );
}

export function wire(status: number, body: unknown, headers: Record<string, string> = {}): WireResponse {
  return { status, headers, body: body === undefined ? null : JSON.stringify(body) };
}

/** The error an HttpError answers with, as a wire response (other errors are not answers). */
function errorResponse(err: HttpError): WireResponse {
  return wire(err.status, errorBody(err.code, err.message, err.details), err.headers ?? {});
}

export interface IdempotentRequest {
  scope: string;
  key: string;
  fingerprint: string;
}

/**
 * Runs `execute` at most once per key (see the header comment) and returns what to send. Errors
 * that are not HttpErrors give the key back and propagate.
 */
export async function runIdempotently(
  store: IdempotencyStore,
  request: IdempotentRequest,
  execute: (call: IdempotentCall) => Promise<WireResponse>,
  onOutcome: (outcome: IdempotencyOutcome) => void = () => {},
): Promise<WireResponse> {
  const { scope, key } = request;
  const begun = await store.begin(scope, key, request.fingerprint);
  if (begun.kind === 'mismatch') {
    onOutcome('mismatch');
    throw new HttpError(
      422,
      'idempotency_key_reused',
      `this ${IDEMPOTENCY_KEY_HEADER} was used with a different request; use a new key for a new request`,
    );
  }
  if (begun.kind === 'in_flight') {
    onOutcome('in_flight');
    throw retryLater(
      409,
      'idempotency_key_in_use',
      `a request with this ${IDEMPOTENCY_KEY_HEADER} is still being processed; retry after the Retry-After delay`,
      begun.retryAfterMs,
    );
  }
  if (begun.kind === 'replay') {
    onOutcome('replayed');
    const { response } = begun;
    return { ...response, headers: { ...response.headers, [REPLAYED_HEADER]: 'true' } };
  }
  const { owner } = begun;
  onOutcome(begun.resumed ? 'resumed' : 'executed');
  const heartbeat = setInterval(() => {
    store.heartbeat(scope, key, owner).catch(() => {});
  }, store.timing.leaseMs / 3);
  heartbeat.unref();
  try {
    let response: WireResponse;
    try {
      response = await execute({
        key,
        scope,
        resumed: begun.resumed,
        resource: begun.resource,
        bind: (q, resource) => store.bind(q, scope, key, owner, resource),
      });
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      response = errorResponse(err);
    }
    clearInterval(heartbeat);
    if (isFinal(response)) await store.complete(scope, key, owner, response);
    else await store.release(scope, key, owner);
    return response;
  } catch (err) {
    clearInterval(heartbeat);
    await store.release(scope, key, owner).catch(() => {});
    throw err;
  }
}

/** The OpenAPI header parameter of an idempotent route. */
export function keyParameter(required: boolean): object {
  return {
    name: IDEMPOTENCY_KEY_HEADER,
    in: 'header',
    required,
    description:
      'Makes the request safe to retry: the first request with a key executes; repeating it with the same ' +
      `body replays the stored answer (header ${REPLAYED_HEADER}: true); the same key with another body is ` +
      'refused (422); while the first is still running, a repeat gets 409 with Retry-After. Keys are scoped ' +
      'to the caller and remembered at least 24 hours.',
    schema: { type: 'string', pattern: HEADER_PATTERN },
  };
}

/** The responses the protocol itself adds to an idempotent route. */
export const PROTOCOL_RESPONSES: Readonly<Record<number, string>> = {
  409: `a request with this ${IDEMPOTENCY_KEY_HEADER} is still in flight (Retry-After says when to retry)`,
  422: `this ${IDEMPOTENCY_KEY_HEADER} was already used with a different request`,
};
