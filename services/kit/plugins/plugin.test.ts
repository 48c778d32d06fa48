import { afterEach, describe, expect, it } from 'vitest';
import type { Router } from 'express';
import { PluginRegistry, PluginTimeoutError } from './plugin.ts';
import type { AuditEvent, Plugin, PluginContext } from './plugin.ts';
import { startTestServer } from '../../../test/support/test-http.ts';
import type { TestServer } from '../../../test/support/test-http.ts';

const ctx: PluginContext = {
  service: 'payment',
  version: '1.2.3',
  logger: { warn: () => {}, info: () => {} },
};

function event(n: number): AuditEvent {
  return {
    time: new Date(0).toISOString(),
    service: 'payment',
    version: '1.2.3',
    event: 'payment_processed',
    correlation_id: `TXN-TEST-${n}`,
  };
}

/** A plugin that records what the registry did with it and fails in the hooks named in `failIn`. */
class ProbePlugin implements Plugin {
  readonly name: string;
  readonly version = '0.0.1';
  readonly failIn: ReadonlySet<string>;
  initCtx: PluginContext | undefined;
  events: AuditEvent[] = [];
  closed = 0;

  constructor(name: string, failIn: string[] = []) {
    this.name = name;
    this.failIn = new Set(failIn);
  }

  init(c: PluginContext): void {
    this.initCtx = c;
    if (this.failIn.has('init')) throw new Error(`${this.name} init failed`);
  }

  onAuditEvent(e: AuditEvent): void {
    this.events.push(e);
    if (this.failIn.has('event')) throw new Error(`${this.name} event failed`);
  }

  routes(router: Router): void {
    router.get(`/${this.name}/ping`, (_req, res) => {
      res.json({ plugin: this.name });
    });
    router.get(`/${this.name}/boom`, () => {
      throw new Error(`${this.name} handler failed`);
    });
    if (this.failIn.has('routes')) throw new Error(`${this.name} routes failed`);
  }

  close(): void {
    this.closed++;
    if (this.failIn.has('close')) throw new Error(`${this.name} close failed`);
  }
}

function recorder() {
  const errors: { plugin: string; err: unknown }[] = [];
  return { errors, onError: (plugin: string, err: unknown) => errors.push({ plugin, err }) };
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('PluginRegistry isolation', () => {
  it('keeps healthy plugins working when others throw in init, onAuditEvent, routes and close', async () => {
    const badInit = new ProbePlugin('bad-init', ['init']);
    const badEvent = new ProbePlugin('bad-event', ['event']);
    const badRoutes = new ProbePlugin('bad-routes', ['routes']);
    const badClose = new ProbePlugin('bad-close', ['close']);
    const good = new ProbePlugin('good');
    const { errors, onError } = recorder();
    const registry = new PluginRegistry([badInit, badEvent, badRoutes, badClose, good], ctx, onError);

    await registry.init();
    expect(good.initCtx).toBe(ctx);
    expect(errors.map((e) => e.plugin)).toEqual(['bad-init']);
    expect(registry.status().map((s) => s.state)).toEqual(['failed', 'active', 'active', 'active', 'active']);

    expect(() => {
      registry.dispatch(event(1));
      registry.dispatch(event(2));
    }).not.toThrow();
    expect(good.events.map((e) => e.correlation_id)).toEqual(['TXN-TEST-1', 'TXN-TEST-2']);
    expect(badEvent.events).toHaveLength(2);
    expect(badClose.events).toHaveLength(2);
    expect(badInit.events).toHaveLength(0); // disabled after a failed init
    expect(errors.filter((e) => e.plugin === 'bad-event')).toHaveLength(2);

    server = await startTestServer((router) => registry.mount(router));
    expect(errors.filter((e) => e.plugin === 'bad-routes')).toHaveLength(1);
    const goodPing = await fetch(`${server.url}/good/ping`);
    expect(goodPing.status).toBe(200);
    expect(await goodPing.json()).toEqual({ plugin: 'good' });
    // A plugin whose routes() threw contributes no route, not even the ones it added before throwing.
    expect((await fetch(`${server.url}/bad-routes/ping`)).status).toBe(404);
    // A disabled plugin's routes are not mounted.
    expect((await fetch(`${server.url}/bad-init/ping`)).status).toBe(404);

    await registry.close();
    expect([badInit, badEvent, badRoutes, badClose, good].map((p) => p.closed)).toEqual([1, 1, 1, 1, 1]);
    expect(errors.filter((e) => e.plugin === 'bad-close')).toHaveLength(1);
    expect(errors.every((e) => e.err instanceof Error)).toBe(true);
  });

  it('reports an error thrown by a plugin route handler and answers only that request with an error', async () => {
    const { errors, onError } = recorder();
    const registry = new PluginRegistry([new ProbePlugin('a'), new ProbePlugin('b')], ctx, onError);
    await registry.init();
    server = await startTestServer((router) => registry.mount(router));

    const boom = await fetch(`${server.url}/a/boom`);
    expect(boom.status).toBe(500);
    expect(await boom.json()).toMatchObject({ message: 'a handler failed' });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.plugin).toBe('a');

    expect((await fetch(`${server.url}/b/ping`)).status).toBe(200);
    expect((await fetch(`${server.url}/a/ping`)).status).toBe(200);
    await registry.close();
  });

  it('catches rejections of async onAuditEvent hooks and still reaches later plugins', async () => {
    const seen: string[] = [];
    const asyncBad: Plugin = {
      name: 'async-bad',
      version: '1',
      // An async hook satisfies the void signature; its rejection must not become unhandled.
      // eslint-disable-next-line @typescript-eslint/no-misused-promises -- the misuse is what this test covers
      onAuditEvent: async () => {
        seen.push('async-bad');
        await Promise.resolve();
        throw new Error('late failure');
      },
    };
    const after: Plugin = { name: 'after', version: '1', onAuditEvent: () => void seen.push('after') };
    const { errors, onError } = recorder();
    const registry = new PluginRegistry([asyncBad, after], ctx, onError);
    await registry.init();
    registry.dispatch(event(1));
    expect(seen).toEqual(['async-bad', 'after']);
    await new Promise((r) => setImmediate(r));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.plugin).toBe('async-bad');
    expect((errors[0]!.err as Error).message).toBe('late failure');
  });

  it('survives an onError sink that throws', async () => {
    const good = new ProbePlugin('good');
    const registry = new PluginRegistry([new ProbePlugin('bad', ['event']), good], ctx, () => {
      throw new Error('metrics exploded');
    });
    await registry.init();
    expect(() => registry.dispatch(event(1))).not.toThrow();
    expect(good.events).toHaveLength(1);
  });

  it('abandons an init or close that hangs, so start-up and shutdown always finish', async () => {
    const hang = () => new Promise<void>(() => {});
    const hanging: Plugin = {
      name: 'hanging',
      version: '1',
      init: hang,
      close: hang,
      onAuditEvent: () => {},
    };
    const good = new ProbePlugin('good');
    const { errors, onError } = recorder();
    const registry = new PluginRegistry([hanging, good], ctx, onError, { hookTimeoutMs: 30 });

    await registry.init();
    expect(registry.status()).toEqual([
      { name: 'hanging', version: '1', state: 'failed' },
      { name: 'good', version: '0.0.1', state: 'active' },
    ]);
    expect(errors[0]!.err).toBeInstanceOf(PluginTimeoutError);

    await registry.close();
    expect(good.closed).toBe(1);
    expect(errors.map((e) => e.plugin)).toEqual(['hanging', 'hanging']);
    expect((errors[1]!.err as Error).message).toMatch(/close did not finish within 30 ms/);
  });

  it('reports an async init rejection and disables that plugin', async () => {
    const failing: Plugin = {
      name: 'async-init',
      version: '1',
      init: async () => {
        await Promise.resolve();
        throw new Error('no config');
      },
      onAuditEvent: () => {
        throw new Error('must not be called');
      },
    };
    const { errors, onError } = recorder();
    const registry = new PluginRegistry([failing], ctx, onError);
    await registry.init();
    registry.dispatch(event(1));
    expect(errors).toHaveLength(1);
    expect((errors[0]!.err as Error).message).toBe('no config');
  });

  it('dispatches nothing before init or after close, and close is idempotent', async () => {
    const p = new ProbePlugin('p');
    const registry = new PluginRegistry([p], ctx, recorder().onError);
    registry.dispatch(event(1));
    expect(p.events).toHaveLength(0);
    await registry.init();
    registry.dispatch(event(2));
    await registry.close();
    await registry.close();
    registry.dispatch(event(3));
    expect(p.events.map((e) => e.correlation_id)).toEqual(['TXN-TEST-2']);
    expect(p.closed).toBe(1);
  });

  it('accepts plugins without optional hooks and refuses duplicate names', async () => {
    const bare: Plugin = { name: 'bare', version: '1' };
    const registry = new PluginRegistry([bare], ctx, recorder().onError);
    await registry.init();
    registry.dispatch(event(1));
    server = await startTestServer((router) => registry.mount(router));
    await registry.close();
    expect(registry.status()).toEqual([{ name: 'bare', version: '1', state: 'closed' }]);

    expect(() => new PluginRegistry([bare, { ...bare }], ctx, recorder().onError)).toThrow(
      /duplicate plugin name: bare/,
    );
  });
});
