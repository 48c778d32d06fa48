// Petstore storefront: the customer journey (health -> recommendations -> browse -> details -> order
// -> payment -> delivery -> tracking) over the pet catalog, the ml-advisor, inventory and the order
// saga. Every step is timed, audited and counted under the correlation ID the client chose.
// Routes: one module per resource under routes/, each handler named after its operation in
// contract.ts; ROUTES below is the table, in the order of the OpenAPI document.
import { fileURLToPath } from 'node:url';
import { defineService } from '../kit/index.ts';
import { Advisor } from './advice.ts';
import { AUDIT_EVENTS, petstoreConfig, type PetstoreKit } from './config.ts';
import { DeliverySchedule } from './deliveries.ts';
import { Journeys } from './journey.ts';
import { getJourney, listJourneys } from './routes/journeys.ts';
import { checkout, orderPayment, scheduleDelivery, trackOrder } from './routes/orders.ts';
import { getPet, listPets } from './routes/pets.ts';
import { getProfile, listProfiles } from './routes/profiles.ts';
import { recommendationsForCustomer, recommendForPreferences } from './routes/recommendations.ts';
import { status } from './routes/status.ts';
import type { Routes, Storefront } from './routes/storefront.ts';

const ROUTES: readonly Routes[] = [
  status, //                      GET  /status
  listProfiles, //                GET  /profiles
  getProfile, //                  GET  /profiles/{id}
  recommendationsForCustomer, //  GET  /recommendations?customer_id=
  recommendForPreferences, //     POST /recommendations
  listPets, //                    GET  /pets
  getPet, //                      GET  /pets/{id}
  checkout, //                    POST /orders
  orderPayment, //                GET  /orders/{id}/payment
  scheduleDelivery, //            POST /orders/{id}/delivery
  trackOrder, //                  GET  /orders/{id}/tracking
  getJourney, //                  GET  /journeys/{correlation_id}
  listJourneys, //                GET  /journeys
];

/** Background work: conversion figures, journey retention, and the advisor's recovery probe. */
function backgroundTasks(kit: PetstoreKit, journeys: Journeys): void {
  const { config } = kit;
  kit.every(10_000, 'publish-conversion', () => journeys.publishConversion());
  kit.every(3_600_000, 'prune-journeys', async () => {
    await journeys.prune(config.JOURNEY_RETENTION_HOURS);
  });
  const advisorClient = kit.client('ml-advisor');
  kit.every(config.ADVISOR_PROBE_MS, 'advisor-recovery-probe', async () => {
    if (advisorClient.circuitState === 'closed') return;
    await advisorClient
      .call({ method: 'GET', path: '/readyz', operation: 'recovery_probe', idempotent: false })
      .catch(() => {});
  });
}

export default defineService({
  name: 'petstore',
  config: petstoreConfig,
  auditEvents: AUDIT_EVENTS,
  migrationsDir: fileURLToPath(new URL('./migrations', import.meta.url)),
  setup(kit) {
    const { audit, config, metrics, db } = kit;
    const journeys = new Journeys({ db, audit, metrics });
    backgroundTasks(kit, journeys);
    const storefront: Storefront = {
      kit,
      journeys,
      advisor: new Advisor(kit.client('ml-advisor'), config.ADVISOR_BUDGET_MS),
      deliveries: new DeliverySchedule(db),
      orders: kit.client('order'),
      inventory: kit.client('inventory'),
    };
    for (const declare of ROUTES) declare(storefront);
  },
});
