// Spans for our own steps (business operations, PGlite queries) and the current trace id for logs.
// Depends only on @opentelemetry/api, so it is cheap to import anywhere (the SDK lives in telemetry.ts).
import {
  context,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type Tracer,
} from '@opentelemetry/api';

const kitTracer = trace.getTracer('mmf-service-kit');

/** Runs fn inside an active span; exceptions are recorded on the span and rethrown. */
export async function withSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
  options: { kind?: SpanKind; tracer?: Tracer } = {},
): Promise<T> {
  const tracer = options.tracer ?? kitTracer;
  return tracer.startActiveSpan(
    name,
    { attributes, kind: options.kind ?? SpanKind.INTERNAL },
    async (span) => {
      try {
        return await fn(span);
      } catch (err) {
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

export function currentTraceId(): string | undefined {
  const id = trace.getSpan(context.active())?.spanContext().traceId;
  return id && id !== '00000000000000000000000000000000' ? id : undefined;
}
