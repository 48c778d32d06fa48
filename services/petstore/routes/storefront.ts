// What every storefront route handler works with: the kit, the journey recorder, the advisor, the
// delivery schedule, and the clients of the services the storefront calls.
import type { ServiceClient } from '../../kit/index.ts';
import type { Advisor } from '../advice.ts';
import type { PetstoreKit } from '../config.ts';
import type { DeliverySchedule } from '../deliveries.ts';
import type { Journeys } from '../journey.ts';

export interface Storefront {
  readonly kit: PetstoreKit;
  readonly journeys: Journeys;
  readonly advisor: Advisor;
  readonly deliveries: DeliverySchedule;
  readonly orders: ServiceClient;
  readonly inventory: ServiceClient;
}

/** Declares one or more routes on the storefront's API. */
export type Routes = (s: Storefront) => void;
