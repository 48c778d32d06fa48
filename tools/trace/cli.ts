// make trace ID=TXN-...: the tree of one correlation ID across services. Sources, first that has it:
// 1. a Jaeger query API at JAEGER_URL (the cluster's, port-forwarded) or the demo's while it runs;
// 2. the demo's stored traces (.run/demo/jaeger), read by a short-lived read-only local Jaeger;
// 3. the services' audit logs (.run/demo/logs, then .run/logs of make up).
import { join } from 'node:path';
import { ROOT } from '../stack/stack.ts';
import { readAuditLogs, toSpan } from './audit-trail.ts';
import { findTraces, hasStore, isUp, JAEGER_PORTS, startJaeger, toTransaction } from './jaeger.ts';
import { renderTree } from './render.ts';
import type { Transaction } from './spans.ts';

export const DEMO_JAEGER_DIR = join(ROOT, '.run', 'demo', 'jaeger');
const LOG_DIRS = [join(ROOT, '.run', 'demo', 'logs'), join(ROOT, '.run', 'logs')];

async function fromJaeger(id: string): Promise<{ t: Transaction; source: string } | undefined> {
  const url = process.env['JAEGER_URL'] || `http://127.0.0.1:${JAEGER_PORTS.query}`;
  if (await isUp(url)) {
    const traces = await findTraces(url, id);
    if (traces.length > 0)
      return { t: toTransaction(id, traces), source: `jaeger at ${url}, ${traces.length} trace(s)` };
    if (process.env['JAEGER_URL']) return undefined;
  }
  if (!hasStore(DEMO_JAEGER_DIR)) return undefined;
  const jaeger = await startJaeger({
    dataDir: DEMO_JAEGER_DIR,
    readOnly: true,
    logFile: join(DEMO_JAEGER_DIR, 'read.log'),
  });
  try {
    const traces = await findTraces(jaeger.queryUrl, id);
    if (traces.length === 0) return undefined;
    return {
      t: toTransaction(id, traces),
      source: `the demo's trace store (${DEMO_JAEGER_DIR}), ${traces.length} trace(s)`,
    };
  } finally {
    await jaeger.stop();
  }
}

function fromAuditLogs(id: string): { t: Transaction; source: string } | undefined {
  for (const dir of LOG_DIRS) {
    const spans = readAuditLogs(dir)
      .filter((r) => r.correlation_id === id)
      .map(toSpan);
    if (spans.length > 0) return { t: { correlationId: id, spans }, source: `audit logs in ${dir}` };
  }
  return undefined;
}

export async function trace(id: string): Promise<string | undefined> {
  const found =
    (await fromJaeger(id).catch((err: unknown) => {
      console.error(
        `(jaeger not usable: ${err instanceof Error ? err.message : String(err)}; trying the audit logs)`,
      );
      return undefined;
    })) ?? fromAuditLogs(id);
  return found ? renderTree(found.t, found.source) : undefined;
}

if (import.meta.main) {
  const id = process.argv[2] ?? '';
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(id)) {
    console.error(
      'usage: make trace ID=<correlation ID>, e.g. an ID from slowest_transactions in reports/mmf_demo_report_*.json',
    );
    process.exit(2);
  }
  const text = await trace(id);
  if (!text) {
    console.error(
      `no trace and no audit event for ${id} (looked in jaeger, ${DEMO_JAEGER_DIR}, ${LOG_DIRS.join(', ')})`,
    );
    process.exit(1);
  }
  console.log(text);
}
