// One error shape for every service: {error, message, correlation_id}, with the right status code.
// Handlers throw HttpError; the kit's error middleware turns anything else into a JSON answer too.
import type { ErrorRequestHandler } from 'express';
import { currentContext } from './context.ts';

export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;
  /** Response headers that go with the error, e.g. Retry-After. */
  readonly headers: Record<string, string> | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    details?: Record<string, unknown>,
    headers?: Record<string, string>,
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.headers = headers;
  }
}

/** "Come back later": a 409 (or 503) with Retry-After, never stored as a final idempotent answer. */
export function retryLater(
  status: 409 | 503,
  code: string,
  message: string,
  retryAfterMs: number,
  details?: Record<string, unknown>,
): HttpError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new HttpError(status, code, message, details, { 'Retry-After': String(seconds) });
}

export const badRequest = (message: string, details?: Record<string, unknown>): HttpError =>
  new HttpError(400, 'bad_request', message, details);
export const notFound = (message: string): HttpError => new HttpError(404, 'not_found', message);
export const conflict = (code: string, message: string, details?: Record<string, unknown>): HttpError =>
  new HttpError(409, code, message, details);
export const unprocessable = (code: string, message: string, details?: Record<string, unknown>): HttpError =>
  new HttpError(422, code, message, details);

export function errorBody(code: string, message: string, extra?: Record<string, unknown>): object {
  return { error: code, message, correlation_id: currentContext()?.correlationId ?? null, ...extra };
}

/** Errors raised by express's body parser carry a `type`; map each to a status and a clear message. */
const BODY_PARSER_ERRORS: Record<string, [number, string, (e: { limit?: number }) => string]> = {
  'entity.parse.failed': [400, 'invalid_json', () => 'request body is not valid JSON'],
  'entity.too.large': [
    413,
    'payload_too_large',
    (e) => `request body exceeds the limit of ${e.limit ?? '?'} bytes`,
  ],
  'encoding.unsupported': [415, 'unsupported_encoding', () => 'unsupported content encoding'],
  'charset.unsupported': [415, 'unsupported_charset', () => 'unsupported charset: use utf-8'],
  'request.aborted': [400, 'request_aborted', () => 'request was aborted by the client'],
  'request.size.invalid': [400, 'invalid_length', () => 'request size did not match content-length'],
  'stream.encoding.set': [500, 'internal_error', () => 'internal error'],
};

export interface ErrorLogger {
  error(obj: object, msg: string): void;
}

export function errorMiddleware(logger: ErrorLogger): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    if (err instanceof HttpError) {
      if (err.headers) res.set(err.headers);
      res.status(err.status).json(errorBody(err.code, err.message, err.details));
      return;
    }
    const type = (err as { type?: unknown }).type;
    const mapped = typeof type === 'string' ? BODY_PARSER_ERRORS[type] : undefined;
    if (mapped) {
      const [status, code, message] = mapped;
      res.status(status).json(errorBody(code, message(err as { limit?: number })));
      return;
    }
    logger.error({ err }, 'unhandled error');
    res
      .status(500)
      .json(errorBody('internal_error', 'internal error; see the service log for this correlation id'));
  };
}
