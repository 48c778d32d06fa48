// Tracing as a service process does it (bootstrap.ts -> telemetry.ts), against a real OTLP receiver:
// parent-based sampling, and errors kept even when their trace was not sampled.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OtlpReceiver } from '../../test/support/otlp-receiver.ts';
import { freePorts } from '../../test/support/ports.ts';

const receiver = new OtlpReceiver();
let child: ChildProcess;
let url: string;

beforeAll(async () => {
  const endpoint = await receiver.start();
  const [port] = await freePorts(1);
  url = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, ['services/ml-advisor/main.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      // Nothing sampled at the root: only what a sampled caller asks for, and errors, are exported.
      OTEL_TRACES_SAMPLER_ARG: '0',
      FAULT_HEADERS_ENABLED: 'true',
      LATENCY_SCALE: '0',
    },
    stdio: 'ignore',
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(100);
  }
  throw new Error('ml-advisor did not become ready');
}, 60_000);

afterAll(async () => {
  if (child?.exitCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
  await receiver.stop();
});

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

async function call(flags: '00' | '01', fault?: string) {
  const traceId = hex(16);
  const parentId = hex(8);
  const res = await fetch(`${url}/recommend/user/cust-1`, {
    headers: {
      traceparent: `00-${traceId}-${parentId}-${flags}`,
      ...(fault ? { 'x-fault': fault } : {}),
    },
  });
  await res.arrayBuffer();
  return { status: res.status, traceId, parentId };
}

const spansOf = (traceId: string) => receiver.spans.filter((s) => s.traceId === traceId);

async function waitForSpans(traceId: string) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && !spansOf(traceId).length) await sleep(100);
  return spansOf(traceId);
}

describe('tracing in a service process', () => {
  it('exports the spans of a request whose caller sampled it, as children of the caller', async () => {
    const sampled = await call('01');
    expect(sampled.status).toBe(200);
    const spans = await waitForSpans(sampled.traceId);
    expect(spans).toContainEqual(
      expect.objectContaining({
        service: 'ml-advisor',
        name: 'GET /recommend/user/:id',
        parentSpanId: sampled.parentId,
      }),
    );
  });

  it('keeps the span of a failed request that was not sampled, and drops successful ones', async () => {
    const ok = await call('00');
    const failed = await call('00', 'ml-advisor.error');
    expect(ok.status).toBe(200);
    expect(failed.status).toBe(500);
    const spans = await waitForSpans(failed.traceId);
    expect(spans).toEqual([
      expect.objectContaining({
        service: 'ml-advisor',
        name: 'GET /recommend/user/:id',
        parentSpanId: failed.parentId,
      }),
    ]);
    // Exported in the same batch or before: the successful unsampled request left nothing.
    expect(spansOf(ok.traceId)).toEqual([]);
  });
});
