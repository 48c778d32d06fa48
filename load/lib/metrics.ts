// Custom k6 metrics shared by the scenarios (k6 metric objects must be created in the init context).
import { Counter, Rate, Trend } from 'k6/metrics';

/** Every 5xx answer from any service: never intended, whatever the scenario injects. */
export const serverErrors = new Counter('server_errors');
/** Per placed order: true when it did not end confirmed (declined, rejected, out of stock, error). */
export const orderFailures = new Rate('order_failures');
/** Per placed order: true when the outcome differs from the intended one (fault injected or not). */
export const unintendedOutcomes = new Rate('unintended_outcomes');
export const ordersConfirmed = new Counter('orders_confirmed');
export const ordersFailed = new Counter('orders_failed');
/** Per storefront journey: true when every step answered as its flavour intends (tag `journey`). */
export const journeysCompleted = new Rate('journeys_completed');
/** Wall time of a whole journey, first step to last (tag `journey`). */
export const journeyDuration = new Trend('journey_duration', true);
