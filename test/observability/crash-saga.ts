// One saga interrupted for real: an order whose charge is slowed down (X-Fault payment.latency_ms)
// loses its order process to kill -9 mid-charge; the restarted process recovers the saga, which the
// dashboard's "Sagas recovered" panel (mmf_sagas_recovered_total) must then show.
import { setTimeout as sleep } from 'node:timers/promises';
import { METRICS, SUPPLIES } from '../../catalog/index.ts';
import type { Stack } from '../../tools/stack/stack.ts';

const CHARGE_DELAY_MS = 3000;

async function recoveredSagas(stack: Stack): Promise<number> {
  const text = await (await fetch(`${stack.url('order')}/metrics`)).text();
  const lines = text.split('\n').filter((l) => l.startsWith(`${METRICS.sagasRecovered.name}{`));
  return lines.reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

export async function crashOneSaga(
  stack: Stack,
  afterMs: number,
): Promise<{ recovered: boolean; note: string }> {
  await sleep(afterMs);
  const supply = SUPPLIES[0];
  if (!supply) throw new Error('the catalog has no supplies');
  const order = fetch(`${stack.url('order')}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-fault': `payment.latency_ms=${CHARGE_DELAY_MS}` },
    body: JSON.stringify({ customer_id: 'probe-crash', items: [{ product_id: supply.sku, quantity: 1 }] }),
  }).catch(() => undefined); // the connection dies with the process
  await sleep(CHARGE_DELAY_MS / 3);
  stack.kill('order');
  await order;
  stack.start('order');
  await stack.waitReady('order');
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if ((await recoveredSagas(stack)) > 0) {
      return { recovered: true, note: 'order killed mid-charge, restarted, saga recovered' };
    }
    await sleep(500);
  }
  return {
    recovered: false,
    note: 'order killed mid-charge and restarted, but no saga recovered within 15 s',
  };
}
