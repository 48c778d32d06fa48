// GET /profiles and GET /profiles/{id}: the customer profiles of the catalog.
import { CUSTOMER_PROFILES } from '../../../catalog/profiles.ts';
import { notFound } from '../../kit/index.ts';
import { operations } from '../contract.ts';
import type { Storefront } from './storefront.ts';

export function listProfiles({ kit: { api } }: Storefront): void {
  api.route({
    ...operations.listProfiles,
    handler: () => ({ body: { profiles: CUSTOMER_PROFILES } }),
  });
}

export function getProfile({ kit: { api } }: Storefront): void {
  api.route({
    ...operations.getProfile,
    handler({ params }) {
      const profile = CUSTOMER_PROFILES.find((p) => p.id === params.id);
      if (!profile) throw notFound(`unknown profile ${params.id}; see GET /profiles`);
      return { body: profile };
    },
  });
}
