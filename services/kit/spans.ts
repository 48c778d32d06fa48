// Spans for our own steps (business operations, queries, inbound requests, outbound calls) and the
// current trace id for logs. Depends only on @opentelemetry/api, so it is cheap to import anywhere (the
// SDK lives in telemetry.ts).
//
// Cheap when a trace is not sampled: a child of a span that is not recording is not sampled either
// (parent-based sampling), so no span is started for it at all; attributes are computed only for
// recording spans. Errors are always kept: a request or call span that ends in error and was not
// sampled is exported anyway, with the ids it already passed downstream, so the failing services'
// spans of one trace still form one tree.
import {
  context,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type SpanContext,
  type Tracer,
} from '@opentelemetry/api';

const kitTracer = trace.getTracer('mmf-service-kit');

/** Runs fn inside an active span; exceptions are recorded on the span and rethrown. */
export async function withSpan<T>(
  name: string,
  attributes: Attributes | (() => Attributes),
  fn: (span: Span) => Promise<T>,
  options: { kind?: SpanKind; tracer?: Tracer } = {},
): Promise<T> {
  const parent = trace.getActiveSpan();
  // Not sampled: the step's span would not be either; run it as part of the parent.
  if (parent && !parent.isRecording()) return fn(parent);
  const tracer = options.tracer ?? kitTracer;
  return tracer.startActiveSpan(
    name,
    {
      attributes: typeof attributes === 'function' ? attributes() : attributes,
      kind: options.kind ?? SpanKind.INTERNAL,
    },
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

/** An unsampled span that ended in error, as telemetry.ts exports it. */
export interface KeptSpan {
  name: string;
  kind: SpanKind;
  spanContext: SpanContext;
  parent?: SpanContext | undefined;
  /** Epoch milliseconds. */
  startMs: number;
  endMs: number;
  attributes: Attributes;
  message: string;
}

let keepError: ((span: KeptSpan) => void) | undefined;

/** Set by telemetry.ts when spans are exported: where unsampled error spans go. */
export function keepErrorsWith(keep: ((span: KeptSpan) => void) | undefined): void {
  keepError = keep;
}

export const epochMs = (): number => performance.timeOrigin + performance.now();

export interface SpanEnd {
  name: string;
  kind: SpanKind;
  parent?: SpanContext | undefined;
  startMs: number;
  /** Computed only when the span is recorded or kept. */
  attributes(): Attributes;
  /** Set when the request or call failed: the span's status is ERROR. */
  error?: string | undefined;
}

/** Ends a request or call span: attributes and status if sampled; exported anyway if it failed. */
export function endSpan(span: Span, end: SpanEnd): void {
  if (span.isRecording()) {
    span.updateName(end.name);
    span.setAttributes(end.attributes());
    if (end.error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: end.error });
    span.end();
    return;
  }
  if (end.error === undefined || !keepError) return;
  const spanContext = span.spanContext();
  if (!trace.isSpanContextValid(spanContext)) return; // telemetry off
  keepError({
    name: end.name,
    kind: end.kind,
    spanContext,
    parent: end.parent,
    startMs: end.startMs,
    endMs: epochMs(),
    attributes: end.attributes(),
    message: end.error,
  });
}
