// Custom k6 metrics shared by the scenarios (k6 metric objects must be created in the init context).
import { Counter, Rate } from 'k6/metrics';

/** Every 5xx answer from any service: never intended, whatever the scenario injects. */
export const serverErrors = new Counter('server_errors');
/** Per placed order: true when it did not end confirmed (declined, rejected, out of stock, error). */
export const orderFailures = new Rate('order_failures');
/** Per placed order: true when the outcome differs from the intended one (fault injected or not). */
export const unintendedOutcomes = new Rate('unintended_outcomes');
export const ordersConfirmed = new Counter('orders_confirmed');
export const ordersFailed = new Counter('orders_failed');
