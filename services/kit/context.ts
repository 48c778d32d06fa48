// Per-request context carried through async calls: the correlation ID and the request's fault
// header. OpenTelemetry keeps its own context; this one holds what our own code needs.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  readonly correlationId: string;
  /** Raw X-Fault header when fault headers are enabled; forwarded downstream unchanged. */
  readonly faultHeader?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}
