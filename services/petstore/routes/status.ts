// GET /status: journey step "health", the storefront and the readiness of the services it calls.
import { currentContext } from '../../kit/context.ts';
import type { ServiceClient } from '../../kit/index.ts';
import { withinBudget } from '../advice.ts';
import { operations } from '../contract.ts';
import type { Storefront } from './storefront.ts';

const DEPENDENCIES = ['ml-advisor', 'order', 'inventory'] as const;

export function status({ kit, journeys }: Storefront): void {
  const { api, config } = kit;
  api.route({
    ...operations.status,
    handler: () =>
      journeys.step('health', async (note) => {
        const entries = await Promise.all(
          DEPENDENCIES.map(async (name) => {
            const client: ServiceClient = kit.client(name);
            const started = performance.now();
            let ready = false;
            try {
              const res = await withinBudget(
                client.call({ method: 'GET', path: '/readyz', operation: 'readyz', idempotent: false }),
                1000,
              );
              ready = typeof res !== 'symbol' && res.status === 200;
            } catch {
              // Not answering: not ready.
            }
            return [
              name,
              {
                ready,
                circuit: client.circuitState,
                latency_ms: Math.round((performance.now() - started) * 100) / 100,
              },
            ] as const;
          }),
        );
        const notReady = entries.filter(([, d]) => !d.ready).map(([n]) => n);
        if (notReady.length) note.outcome('degraded', `not_ready:${notReady.join(',')}`);
        return {
          body: {
            status: notReady.length ? 'degraded' : 'ok',
            service: 'petstore',
            version: config.SERVICE_VERSION,
            dependencies: Object.fromEntries(entries),
            correlation_id: currentContext()?.correlationId,
          },
        };
      }),
  });
}
