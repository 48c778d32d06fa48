// Transactions read from the services' audit logs (pino JSON lines, `audit: true`): every event with
// an `operation` and a `duration_ms` is a step that ended at the event's time; other events are
// points in time. This is the fallback when no trace backend is running, and the complete record the
// demo report is computed from (the audit log is never sampled).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Span, Transaction } from './spans.ts';

export interface AuditRecord {
  readonly time: string;
  readonly service: string;
  readonly event: string;
  readonly correlation_id: string;
  readonly operation?: unknown;
  readonly duration_ms?: unknown;
  readonly outcome?: unknown;
  readonly error_type?: unknown;
}

/** Audit records of one log file's text; other lines (start-up, warnings, garbage) are skipped. */
export function parseAuditLines(text: string): AuditRecord[] {
  const records: AuditRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('"audit":true')) continue;
    try {
      const r = JSON.parse(line) as Record<string, unknown>;
      if (
        r['audit'] === true &&
        typeof r['time'] === 'string' &&
        typeof r['service'] === 'string' &&
        typeof r['event'] === 'string' &&
        typeof r['correlation_id'] === 'string'
      )
        records.push(r as unknown as AuditRecord);
    } catch {
      // A line cut short by a crash: not an audit record.
    }
  }
  return records;
}

/** Every audit record in `<logDir>/*.log`. */
export function readAuditLogs(logDir: string): AuditRecord[] {
  let files: string[];
  try {
    files = readdirSync(logDir).filter((f) => f.endsWith('.log'));
  } catch {
    return [];
  }
  return files.flatMap((f) => parseAuditLines(readFileSync(join(logDir, f), 'utf8')));
}

export function toSpan(r: AuditRecord): Span {
  const end = Date.parse(r.time);
  const timed =
    typeof r.operation === 'string' &&
    r.operation !== '' &&
    typeof r.duration_ms === 'number' &&
    Number.isFinite(r.duration_ms) &&
    r.duration_ms >= 0;
  const duration = timed ? (r.duration_ms as number) : 0;
  return {
    service: r.service,
    operation: timed ? (r.operation as string) : r.event,
    startMs: end - duration,
    durationMs: duration,
    outcome: r.outcome === 'failure' ? 'failure' : 'success',
    errorType: typeof r.error_type === 'string' ? r.error_type : undefined,
    label: r.event,
  };
}

/** Records grouped by correlation ID (IDs a service made up for its own chores are left out). */
export function transactions(records: readonly AuditRecord[]): Transaction[] {
  const byId = new Map<string, Span[]>();
  for (const r of records) {
    if (!r.correlation_id.startsWith('TXN-')) continue;
    const spans = byId.get(r.correlation_id) ?? [];
    spans.push(toSpan(r));
    byId.set(r.correlation_id, spans);
  }
  return [...byId].map(([correlationId, spans]) => ({ correlationId, spans }));
}
