// Jaeger as the trace backend: a local all-in-one (./bin/jaeger, built from the Jaeger Go module
// pinned in tools/jaeger/go.mod) that stores spans in badger on disk, and the query API every
// Jaeger serves (/api/services, /api/traces), so the same code reads the local store and the
// cluster's Jaeger (kubectl port-forward svc/jaeger-query 16686).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT } from '../stack/stack.ts';
import type { Span, Transaction } from './spans.ts';

export const JAEGER_BIN = process.env['JAEGER_BIN'] ?? join(ROOT, 'bin', 'jaeger');

/** Local ports, all on 127.0.0.1: OTLP/HTTP in, query API out, admin (health). */
export const JAEGER_PORTS = {
  otlpHttp: 4318,
  otlpGrpc: 4317,
  query: 16686,
  queryGrpc: 16685,
  admin: 14269,
  collectorHttp: 14268,
  collectorGrpc: 14250,
} as const;

export interface LocalJaeger {
  readonly queryUrl: string;
  /** What services set as OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly otlpUrl: string;
  stop(): Promise<void>;
}

export interface JaegerOptions {
  /** Badger directory (keys/ and values/ below it). */
  readonly dataDir: string;
  /** Open an existing store to read it (make trace after the demo): no writes. */
  readonly readOnly?: boolean;
  readonly logFile?: string;
  readonly readyTimeoutMs?: number;
}

const local = (port: number): string => `127.0.0.1:${port}`;

export async function startJaeger(opts: JaegerOptions): Promise<LocalJaeger> {
  const p = JAEGER_PORTS;
  mkdirSync(opts.dataDir, { recursive: true });
  const log = openSync(opts.logFile ?? join(opts.dataDir, 'jaeger.log'), 'a');
  const child: ChildProcess = spawn(
    JAEGER_BIN,
    [
      '--badger.ephemeral=false',
      `--badger.directory-key=${join(opts.dataDir, 'keys')}`,
      `--badger.directory-value=${join(opts.dataDir, 'values')}`,
      ...(opts.readOnly ? ['--badger.read-only=true'] : []),
      `--collector.otlp.http.host-port=${local(p.otlpHttp)}`,
      `--collector.otlp.grpc.host-port=${local(p.otlpGrpc)}`,
      `--collector.http-server.host-port=${local(p.collectorHttp)}`,
      `--collector.grpc-server.host-port=${local(p.collectorGrpc)}`,
      `--query.http-server.host-port=${local(p.query)}`,
      `--query.grpc-server.host-port=${local(p.queryGrpc)}`,
      `--admin.http.host-port=${local(p.admin)}`,
    ],
    { env: { ...process.env, SPAN_STORAGE_TYPE: 'badger' }, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  let exited = false;
  child.once('exit', () => (exited = true));
  const stop = async (): Promise<void> => {
    if (exited) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    // Badger flushes its tables on a clean stop; give it time, then insist.
    await Promise.race([gone, sleep(10_000)]);
    if (!exited) child.kill('SIGKILL');
  };
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (exited)
      throw new Error(
        `jaeger exited during start-up (log: ${opts.logFile ?? join(opts.dataDir, 'jaeger.log')})`,
      );
    if (await isUp(`http://${local(p.query)}`)) {
      return { queryUrl: `http://${local(p.query)}`, otlpUrl: `http://${local(p.otlpHttp)}`, stop };
    }
    await sleep(200);
  }
  await stop();
  throw new Error('jaeger did not answer on its query port in time');
}

/** True when a Jaeger query API answers at this URL. */
export async function isUp(queryUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${queryUrl}/api/services`, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

export function hasStore(dataDir: string): boolean {
  return existsSync(join(dataDir, 'keys')) && existsSync(JAEGER_BIN);
}

/** The query API's trace format (the part read here). */
export interface JaegerTrace {
  traceID: string;
  spans: {
    spanID: string;
    operationName: string;
    references?: { refType: string; spanID: string }[];
    startTime: number;
    duration: number;
    processID: string;
    tags?: { key: string; value: unknown }[];
  }[];
  processes: Record<string, { serviceName: string }>;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return ((await res.json()) as { data: T }).data;
}

/** Every trace with a span tagged correlation_id=<id> (a journey is several traces under one ID). */
export async function findTraces(
  queryUrl: string,
  correlationId: string,
  lookbackHours = 168,
): Promise<JaegerTrace[]> {
  const services = (await getJson<string[] | null>(`${queryUrl}/api/services`)) ?? [];
  const end = Date.now() * 1000;
  const start = end - lookbackHours * 3600 * 1_000_000;
  const tags = encodeURIComponent(JSON.stringify({ correlation_id: correlationId }));
  const byId = new Map<string, JaegerTrace>();
  for (const service of services.filter((s) => !s.startsWith('jaeger'))) {
    const url = `${queryUrl}/api/traces?service=${encodeURIComponent(service)}&tags=${tags}&start=${start}&end=${end}&limit=100`;
    for (const t of (await getJson<JaegerTrace[] | null>(url)) ?? []) byId.set(t.traceID, t);
  }
  return [...byId.values()];
}

const tag = (s: JaegerTrace['spans'][number], key: string): unknown =>
  s.tags?.find((t) => t.key === key)?.value;

/** Jaeger traces as one transaction of spans with their recorded parents. */
export function toTransaction(correlationId: string, traces: readonly JaegerTrace[]): Transaction {
  const spans: Span[] = traces.flatMap((t) =>
    t.spans.map((s) => {
      const failed = tag(s, 'error') === true || tag(s, 'otel.status_code') === 'ERROR';
      const parent = s.references?.find((r) => r.refType === 'CHILD_OF')?.spanID;
      return {
        service: t.processes[s.processID]?.serviceName ?? 'unknown',
        operation: s.operationName,
        startMs: s.startTime / 1000,
        durationMs: s.duration / 1000,
        outcome: failed ? ('failure' as const) : ('success' as const),
        label: typeof tag(s, 'span.kind') === 'string' ? (tag(s, 'span.kind') as string) : undefined,
        id: `${t.traceID}:${s.spanID}`,
        parentId: parent === undefined ? undefined : `${t.traceID}:${parent}`,
      };
    }),
  );
  return { correlationId, spans };
}
