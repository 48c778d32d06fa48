// One client span per PGlite query. `pg` queries are traced by @opentelemetry/instrumentation-pg
// (registered by the telemetry module); PGlite has no instrumentation, so the adapter calls this.
import { SpanKind, trace } from '@opentelemetry/api';
import { withSpan } from '../spans.ts';

const tracer = trace.getTracer('mmf-db');
const MAX_STATEMENT_CHARS = 1000;

/** First keyword of a statement (SELECT, INSERT, BEGIN...), for the db.operation attribute. */
export function operationOf(sql: string): string {
  const match = /^\s*(?:--[^\n]*\n\s*)*([A-Za-z]+)/.exec(sql);
  return match?.[1]?.toUpperCase() ?? 'UNKNOWN';
}

export function traceQuery<T>(sql: string, run: () => Promise<T>): Promise<T> {
  const statement = sql.length > MAX_STATEMENT_CHARS ? `${sql.slice(0, MAX_STATEMENT_CHARS)}…` : sql;
  return withSpan(
    'db.query',
    {
      'db.system': 'postgresql',
      'db.system.name': 'postgresql',
      'db.statement': statement,
      'db.operation': operationOf(sql),
      'db.client': 'pglite',
    },
    run,
    { kind: SpanKind.CLIENT, tracer },
  );
}
