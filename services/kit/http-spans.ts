// Trace context over HTTP, done by the kit instead of the http and undici instrumentations (which wrap
// every request and response, sampled or not, and cost most of the kit's throughput with telemetry on):
// one SERVER span per inbound request (W3C traceparent and baggage read from the headers) and one
// CLIENT span per outbound call (traceparent and baggage, with the correlation id, written to them).
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  trace,
  type Attributes,
  type Context,
} from '@opentelemetry/api';
import type { Request, Response } from 'express';
import { endSpan, epochMs } from './spans.ts';

const tracer = trace.getTracer('mmf-service-kit');

/** Route template of a matched request ("/reservations/:id/commit"), else undefined. */
export function routeOf(req: Request): string | undefined {
  return req.route ? `${req.baseUrl}${String(req.route.path)}` : undefined;
}

/**
 * Starts the SERVER span of one inbound request (its parent read from traceparent and baggage) and
 * returns the context to run the request in, and the function that ends the span once the response is
 * closed (the caller owns the one 'close' listener).
 */
export function startServerSpan(req: Request, res: Response): { traced: Context; end(): void } {
  const parentContext = propagation.extract(ROOT_CONTEXT, req.headers);
  const parent = trace.getSpanContext(parentContext);
  const span = tracer.startSpan(req.method, { kind: SpanKind.SERVER }, parentContext);
  const startMs = epochMs();
  const end = (): void => {
    const route = routeOf(req);
    const status = res.statusCode;
    endSpan(span, {
      name: route ? `${req.method} ${route}` : req.method,
      kind: SpanKind.SERVER,
      parent,
      startMs,
      error:
        status >= 500
          ? `HTTP ${status}`
          : res.writableFinished
            ? undefined
            : 'connection closed before the response was sent',
      attributes: () => ({
        'http.request.method': req.method,
        'url.path': req.path,
        'url.scheme': 'http',
        ...(route ? { 'http.route': route } : {}),
        'http.response.status_code': status,
        // A trace backend finds every trace of one transaction by it (make trace, Jaeger's tag search).
        correlation_id: String(res.getHeader('X-Correlation-ID') ?? ''),
      }),
    });
  };
  return { traced: trace.setSpan(parentContext, span), end };
}

export interface OutboundCall {
  method: string;
  url: string;
  /** Called service and operation, for the span's attributes. */
  target: string;
  operation: string;
  correlationId?: string | undefined;
}

/**
 * Starts the CLIENT span of one outbound call and writes its trace context (traceparent, and baggage
 * carrying the correlation id) into `headers`. Call the returned function when the call ends.
 */
export function clientSpan(
  call: OutboundCall,
  headers: Record<string, string>,
): (outcome: { status?: number; error?: string }) => void {
  const active = context.active();
  const parent = trace.getSpanContext(active);
  const span = tracer.startSpan(call.method, { kind: SpanKind.CLIENT }, active);
  let carried = trace.setSpan(active, span);
  if (call.correlationId) {
    const bag = propagation.getBaggage(active) ?? propagation.createBaggage();
    if (bag.getEntry('correlation_id')?.value !== call.correlationId) {
      carried = propagation.setBaggage(
        carried,
        bag.setEntry('correlation_id', { value: call.correlationId }),
      );
    }
  }
  propagation.inject(carried, headers);
  const startMs = epochMs();
  return ({ status, error }) => {
    endSpan(span, {
      name: call.method,
      kind: SpanKind.CLIENT,
      parent,
      startMs,
      error: error ?? (status !== undefined && status >= 500 ? `HTTP ${status}` : undefined),
      attributes: (): Attributes => ({
        'http.request.method': call.method,
        'url.full': call.url,
        'peer.service': call.target,
        'mmf.operation': call.operation,
        ...(status !== undefined ? { 'http.response.status_code': status } : {}),
        ...(error !== undefined ? { 'error.type': error } : {}),
      }),
    });
  };
}
