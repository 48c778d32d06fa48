import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callFrom } from '../../catalog/index.ts';
import { ServiceClient } from './client.ts';
import { HttpError } from './errors.ts';
import { Metrics } from './metrics.ts';

// A downstream that accepts connections and never answers: only a timeout can end the call.
let hanging: Server;
let url: string;
beforeAll(async () => {
  hanging = createServer(() => {});
  await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
});
afterAll(async () => {
  hanging.closeAllConnections();
  await new Promise((r) => hanging.close(r));
});

describe('ServiceClient', () => {
  it('passes on what a failing dependency said', async () => {
    const failing = createServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: 'dependency_unavailable',
          message: 'payment is down',
          correlation_id: 'x',
          order_id: 'ORD-1',
          status: 'failed',
        }),
      );
    });
    await new Promise<void>((r) => failing.listen(0, '127.0.0.1', r));
    const client = new ServiceClient({
      from: 'petstore',
      to: 'order',
      baseUrl: `http://127.0.0.1:${(failing.address() as AddressInfo).port}`,
      metrics: new Metrics('petstore', 'test'),
      halfOpenAfterMs: 60_000,
      consecutiveFailures: 5,
    });
    const err = await client
      .call({ method: 'POST', path: '/orders', operation: 'place_order', idempotent: false })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      status: 503,
      details: {
        reason: 'http_error',
        dependency_status: 503,
        dependency_error: 'dependency_unavailable',
        dependency_message: 'payment is down',
        dependency_details: { order_id: 'ORD-1', status: 'failed' },
      },
    });
    await new Promise((r) => failing.close(r));
  });

  it('reports a refused connection as a network error, and retries it when the call is idempotent', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r)); // nothing listens on the port now
    const metrics = new Metrics('petstore', 'test');
    const client = new ServiceClient({
      from: 'petstore',
      to: 'inventory',
      baseUrl: `http://127.0.0.1:${port}`,
      metrics,
      halfOpenAfterMs: 60_000,
      consecutiveFailures: 10,
    });
    const err = await client
      .call({ method: 'GET', path: '/stock', operation: 'stock', idempotent: true })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 503, details: { reason: 'network_error' } });
    // A refused connection is transient: the idempotent call was retried (petstore -> inventory allows it).
    expect(callFrom('petstore', 'inventory').retries).toBeGreaterThan(0);
    expect(await metrics.registry.metrics()).toMatch(
      /mmf_http_client_retries_total\{[^}]*target="inventory"[^}]*\} [1-9]/,
    );
    await client.close();
  });

  it('bounds every call by the catalog timeout of its edge, then opens the circuit', async () => {
    const metrics = new Metrics('order', 'test');
    const client = new ServiceClient({
      from: 'order',
      to: 'inventory',
      baseUrl: url,
      metrics,
      halfOpenAfterMs: 60_000,
      consecutiveFailures: 2,
    });
    const { timeoutMs } = callFrom('order', 'inventory');

    for (let i = 0; i < 2; i++) {
      const started = performance.now();
      const err = await client
        .call({ method: 'POST', path: '/reservations', operation: 'reserve', idempotent: false })
        .catch((e: unknown) => e);
      const elapsed = performance.now() - started;
      expect(err).toBeInstanceOf(HttpError);
      expect(err).toMatchObject({
        status: 503,
        code: 'dependency_unavailable',
        details: { reason: 'timeout' },
      });
      expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 50);
      expect(elapsed).toBeLessThan(timeoutMs + 1000);
    }
    expect(client.circuitState).toBe('open');
    const started = performance.now();
    const err = await client
      .call({ method: 'GET', path: '/stock', operation: 'stock', idempotent: true })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 503, details: { reason: 'circuit_open' } });
    expect(performance.now() - started).toBeLessThan(100);

    const text = await metrics.registry.metrics();
    expect(text).toMatch(
      /mmf_http_client_request_duration_seconds_count\{app="order",version="test",target="inventory",operation="reserve",outcome="timeout"\} 2/,
    );
    expect(text).toMatch(
      /mmf_circuit_breaker_state\{target="inventory",state="open",app="order",version="test"\} 1/,
    );
  }, 20_000);
});
