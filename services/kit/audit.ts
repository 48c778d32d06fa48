// Audit log: one JSON line per business event on stdout (pino), each with time, service, version,
// event, correlation_id, trace_id and the domain fields. The vocabulary is closed per service: an
// event name outside it is a programming error. Card data and secrets are redacted by path as a
// second line of defence (services never pass them in the first place).
import { pino, type Logger } from 'pino';
import { currentContext } from './context.ts';
import { currentTraceId } from './spans.ts';
import type { AuditEvent } from './plugins/plugin.ts';

export const REDACTED_PATHS = [
  'card_number',
  'cvv',
  'card.number',
  'card.cvv',
  'password',
  'secret',
  'token',
  'authorization',
  'headers.authorization',
  '*.card_number',
  '*.cvv',
  '*.password',
];

export function createLogger(service: string, version: string, level: string): Logger {
  return pino({
    level,
    base: { service, version },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
    formatters: { level: (label) => ({ level: label }) },
  });
}

export class AuditLog<E extends string> {
  private readonly vocabulary: ReadonlySet<string>;
  private readonly logger: Logger;
  private readonly sinks: ((event: AuditEvent) => void)[] = [];
  private readonly service: string;
  private readonly version: string;

  constructor(opts: { logger: Logger; vocabulary: readonly E[]; service: string; version: string }) {
    this.vocabulary = new Set(opts.vocabulary);
    this.logger = opts.logger.child({ audit: true });
    this.service = opts.service;
    this.version = opts.version;
  }

  /** Subscribers (plugins, metrics) receive every event after it is logged. */
  subscribe(sink: (event: AuditEvent) => void): void {
    this.sinks.push(sink);
  }

  emit(event: E, fields: Record<string, unknown> = {}, correlationId?: string): AuditEvent {
    if (!this.vocabulary.has(event))
      throw new Error(`audit event "${event}" is not in the ${this.service} vocabulary`);
    const record: AuditEvent = {
      time: new Date().toISOString(),
      service: this.service,
      version: this.version,
      event,
      correlation_id: correlationId ?? currentContext()?.correlationId ?? 'none',
      trace_id: currentTraceId(),
      ...fields,
    };
    const { time: _t, service: _s, version: _v, ...line } = record;
    this.logger.info(line, event);
    for (const sink of this.sinks) sink(record);
    return record;
  }
}
