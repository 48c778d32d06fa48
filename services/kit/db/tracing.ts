// One client span per query, on both backends (the same attributes whether PGlite or `pg` ran it).
import { SpanKind, trace } from '@opentelemetry/api';
import { withSpan } from '../spans.ts';

const tracer = trace.getTracer('mmf-db');
const MAX_STATEMENT_CHARS = 1000;

/** First keyword of a statement (SELECT, INSERT, BEGIN...), for the db.operation attribute. */
export function operationOf(sql: string): string {
  const match = /^\s*(?:--[^\n]*\n\s*)*([A-Za-z]+)/.exec(sql);
  return match?.[1]?.toUpperCase() ?? 'UNKNOWN';
}

/**
 * Runs a query inside a CLIENT span, when the caller's span is recorded (as the pg instrumentation's
 * requireParentSpan did: start-up migrations and unsampled requests start no span).
 */
export function traceQuery<T>(sql: string, client: 'pglite' | 'pg', run: () => Promise<T>): Promise<T> {
  if (!trace.getActiveSpan()?.isRecording()) return run();
  const statement = sql.length > MAX_STATEMENT_CHARS ? `${sql.slice(0, MAX_STATEMENT_CHARS)}…` : sql;
  return withSpan(
    'db.query',
    {
      'db.system': 'postgresql',
      'db.system.name': 'postgresql',
      'db.statement': statement,
      'db.operation': operationOf(sql),
      'db.client': client,
    },
    run,
    { kind: SpanKind.CLIENT, tracer },
  );
}
