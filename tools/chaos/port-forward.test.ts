// How `make chaos-cluster` handles its kubectl port-forwards, with a stand-in kubectl (a shell
// script) in front of a real HTTP server: the audit reads through the port kubectl announces, and a
// kubectl that never forwards, or a forward that breaks during the read, fails with a clear message
// instead of hanging. The real kubectl against a real API server: test/cluster/chaos.cluster.test.ts.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withForwards } from './port-forward.ts';
import { readSnapshot } from './reader.ts';

const dir = mkdtempSync(join(tmpdir(), 'chaos-forward-'));
let server: Server;
let port = 0;

const BODIES: Record<string, unknown> = {
  '/export/orders': { orders: [], next_after: null },
  '/export/payments': { payments: [], next_after: null },
  '/stock': { products: [{ product_id: 'P1', available: 3, reserved: 1, sold: 2, total: 6 }] },
};

/** A kubectl stand-in: records its arguments, then runs `body` (a shell snippet). */
function fakeKubectl(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\necho "$@" >> ${join(dir, `${name}.args`)}\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const body = BODIES[new URL(req.url ?? '/', 'http://x').pathname];
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { error: 'not_found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('port-forwards for the cluster audit', () => {
  it('reads every service through the port kubectl announces, asking for each Service of the namespace', async () => {
    const kubectl = fakeKubectl('ok', `echo "Forwarding from 127.0.0.1:${port} -> 8080"\nexec sleep 60`);
    const snapshot = await withForwards(
      { namespace: 'petstore', context: 'mmf-local', kubectl },
      readSnapshot,
    );
    expect(snapshot.stock).toEqual([{ sku: 'P1', available: 3, reserved: 1, sold: 2, total: 6 }]);
    expect(snapshot.orders).toEqual([]);
    const args = readFileSync(join(dir, 'ok.args'), 'utf8').trim().split('\n');
    expect(args).toEqual(
      ['order', 'payment', 'inventory'].map(
        (s) => `--context mmf-local port-forward -n petstore svc/${s} :80`,
      ),
    );
  });

  it('fails after its timeout, with what kubectl said, when kubectl never forwards', async () => {
    const kubectl = fakeKubectl('silent', 'echo "still dialing" >&2\nexec sleep 60');
    const started = Date.now();
    await expect(
      withForwards({ namespace: 'petstore', kubectl, timeoutMs: 3000 }, readSnapshot),
    ).rejects.toThrow('kubectl port-forward -n petstore svc/order: no forwarding after 3 s: still dialing');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('fails when a forward breaks during the read (its pod went away)', async () => {
    const kubectl = fakeKubectl(
      'breaks',
      `echo "Forwarding from 127.0.0.1:${port} -> 8080"\nsleep 0.3\nexit 3`,
    );
    await expect(
      withForwards({ namespace: 'petstore', kubectl }, async (urls) => {
        await sleep(1500);
        return readSnapshot(urls);
      }),
    ).rejects.toThrow(/the port-forward to svc\/(order|payment|inventory) exited 3 during the read/);
  });
});
