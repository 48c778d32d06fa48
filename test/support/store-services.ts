// The three store services started in-process on free ports, wired to each other, each on a fresh
// test database (PGlite copy or a database on the test PostgreSQL server, per TEST_DATABASE).
import inventoryDef from '../../services/inventory/service.ts';
import orderDef from '../../services/order/service.ts';
import paymentDef from '../../services/payment/service.ts';
import { startService, type RunningService } from '../../services/kit/index.ts';
import { testDatabaseEnv } from './test-database.ts';

type StoreName = 'inventory' | 'payment' | 'order';

export interface StoreServices {
  inventory: RunningService;
  payment: RunningService;
  order: RunningService;
  /** Stops a service; restart() brings it back on the same port and database. */
  stop(name: StoreName): Promise<void>;
  restart(name: StoreName): Promise<RunningService>;
  close(): Promise<void>;
}

export const QUIET: NodeJS.ProcessEnv = {
  LOG_LEVEL: 'silent',
  LATENCY_SCALE: '0.01',
  FAULT_HEADERS_ENABLED: 'true',
  PORT: '0',
};

export async function startStoreServices(env: NodeJS.ProcessEnv = {}): Promise<StoreServices> {
  const base = { ...process.env, ...QUIET, ...env };
  const envs: Record<StoreName, NodeJS.ProcessEnv> = {
    inventory: { ...base, ...(await testDatabaseEnv()) },
    payment: { ...base, ...(await testDatabaseEnv()) },
    order: { ...base, ...(await testDatabaseEnv()) },
  };
  const defs = { inventory: inventoryDef, payment: paymentDef, order: orderDef } as const;
  const inventory = await startService(inventoryDef, envs.inventory);
  const payment = await startService(paymentDef, envs.payment);
  envs.inventory.PORT = String(inventory.port);
  envs.payment.PORT = String(payment.port);
  Object.assign(envs.order, { INVENTORY_URL: inventory.url, PAYMENT_URL: payment.url });
  const order = await startService(orderDef, envs.order);
  envs.order.PORT = String(order.port);
  const stopped = new Set<StoreName>();
  const s: StoreServices = {
    inventory,
    payment,
    order,
    async stop(name) {
      stopped.add(name);
      await s[name].close();
    },
    async restart(name) {
      if (!stopped.has(name)) await s.stop(name);
      s[name] = await startService(defs[name] as typeof inventoryDef, envs[name]);
      stopped.delete(name);
      return s[name];
    },
    async close() {
      await Promise.all(
        (['order', 'payment', 'inventory'] as const).filter((n) => !stopped.has(n)).map((n) => s[n].close()),
      );
    },
  };
  return s;
}

export async function json(
  url: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    body:
      init.body === undefined ? null : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    headers: res.headers,
  };
}
