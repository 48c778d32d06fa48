// The service kit: everything the five services share. Import from here, except main.ts files, which
// go through bootstrap.ts so telemetry starts before express loads.
export { defineService, startService, type RunningService } from './service.ts';
export { HttpError, notFound, conflict, unprocessable, retryLater } from './errors.ts';
export { withSpan } from './spans.ts';
export { Faults } from './faults.ts';
export type { ServiceClient } from './client.ts';
export type { Reply } from './api.ts';
export type { IdempotentCall } from './idempotency/protocol.ts';
export type { Database, Queryable } from './db/index.ts';
