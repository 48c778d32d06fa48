// OpenTelemetry tracing: W3C traceparent + baggage, OTLP/HTTP (protobuf) export, head sampling by
// trace id (OTEL_TRACES_SAMPLER_ARG, parent-based) with errors always kept.
//
// No instrumentation library is loaded: the kit starts the spans itself (http-spans.ts for inbound
// requests and outbound calls, db/tracing.ts for queries on both backends, withSpan for business
// steps). The http and undici instrumentations wrapped every request, response and socket whether or
// not the trace was sampled, and cost ~40 % of the kit's throughput here; the kit's own spans cost
// next to nothing when a trace is not sampled. Probes and /metrics are not traced.
import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  BatchSpanProcessor,
  NoopSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { SpanStatusCode, TraceFlags, type HrTime } from '@opentelemetry/api';
import { keepErrorsWith, type KeptSpan } from './spans.ts';

export interface TelemetryOptions {
  service: string;
  version: string;
  /** OTLP/HTTP base URL; without it spans are still created (trace ids in logs) but not exported. */
  endpoint?: string | undefined;
  samplingRatio: number;
}

export interface Telemetry {
  shutdown(): Promise<void>;
}

const hrTime = (ms: number): HrTime => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];

/** An unsampled span that failed, as the exporter wants it: marked sampled, same ids. */
function readable(s: KeptSpan, resource: Resource): ReadableSpan {
  const endMs = Math.max(s.endMs, s.startMs);
  const startTime = hrTime(s.startMs);
  const endTime = hrTime(endMs);
  const spanContext = { ...s.spanContext, traceFlags: s.spanContext.traceFlags | TraceFlags.SAMPLED };
  return {
    name: s.name,
    kind: s.kind,
    spanContext: () => spanContext,
    ...(s.parent ? { parentSpanContext: s.parent } : {}),
    startTime,
    endTime,
    duration: hrTime(endMs - s.startMs),
    status: { code: SpanStatusCode.ERROR, message: s.message },
    attributes: { ...s.attributes, 'mmf.kept': 'error' },
    links: [],
    events: [],
    ended: true,
    resource,
    instrumentationScope: { name: 'mmf-service-kit' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

export function startTelemetry(opts: TelemetryOptions): Telemetry {
  // Metrics belong to prom-client and logs to pino: keep the SDK from starting OTLP exporters for them.
  process.env.OTEL_METRICS_EXPORTER ??= 'none';
  process.env.OTEL_LOGS_EXPORTER ??= 'none';
  const resource = resourceFromAttributes({
    'service.name': opts.service,
    'service.version': opts.version,
    'service.namespace': 'mmf-petstore',
  });
  const exporting = opts.endpoint
    ? new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: `${opts.endpoint.replace(/\/$/, '')}/v1/traces` }),
        scheduledDelayMillis: 1000,
      })
    : undefined;
  const sdk = new NodeSDK({
    resource,
    resourceDetectors: [],
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(opts.samplingRatio) }),
    spanProcessors: [exporting ?? new NoopSpanProcessor()],
    instrumentations: [],
  });
  sdk.start();
  keepErrorsWith(exporting && ((span) => exporting.onEnd(readable(span, resource))));
  return {
    shutdown: async () => {
      keepErrorsWith(undefined);
      await sdk.shutdown();
    },
  };
}
