// GET /journeys/{correlation_id} and GET /journeys: the steps of one journey, and conversion.
import { notFound } from '../../kit/index.ts';
import { operations } from '../contract.ts';
import type { Storefront } from './storefront.ts';

export function getJourney({ kit: { api }, journeys }: Storefront): void {
  api.route({
    ...operations.getJourney,
    async handler({ params }) {
      const j = await journeys.get(params.correlation_id);
      if (!j) throw notFound(`no journey with correlation ID ${params.correlation_id}`);
      return { body: j };
    },
  });
}

export function listJourneys({ kit: { api }, journeys }: Storefront): void {
  api.route({
    ...operations.listJourneys,
    handler: async () => ({ body: await journeys.conversion() }),
  });
}
