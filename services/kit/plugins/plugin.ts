// Plugin interface of the service kit and the registry that isolates plugins from the service.
//
// Contract: a plugin can never break a request, another plugin, start-up or shutdown. Every hook
// call is wrapped; a throw (or a rejected promise) is reported through `onError` (the kit counts it
// in mmf_plugin_errors_total and logs a warning) and the registry carries on.
//
// Lifecycle: new PluginRegistry(...) -> await init() -> dispatch(event)* / mount(router) -> await close().
// - A plugin whose init fails (or exceeds the hook timeout) is disabled: it gets no events and no routes.
// - Nothing is dispatched before init() or after close().
// - close() runs in reverse order for every plugin, even disabled ones (init may have half-acquired
//   resources); a hung close is abandoned after the hook timeout so shutdown always finishes.
import { Router } from 'express';
import type { ErrorRequestHandler } from 'express';

/** One audit log line as the kit writes it; domain fields ride along. */
export interface AuditEvent {
  time: string;
  service: string;
  version: string;
  event: string;
  correlation_id: string;
  trace_id?: string;
  [field: string]: unknown;
}

export interface PluginContext {
  service: string;
  version: string;
  logger: { warn(obj: object, msg?: string): void; info(obj: object, msg?: string): void };
}

export interface Plugin {
  readonly name: string;
  readonly version: string;
  init?(ctx: PluginContext): void | Promise<void>;
  /** Called synchronously for every audit event, on the request path: must be cheap. */
  onAuditEvent?(event: AuditEvent): void;
  /** Optional HTTP routes, mounted by the kit on its app router. */
  routes?(router: Router): void;
  close?(): void | Promise<void>;
}

export type PluginErrorHandler = (plugin: string, err: unknown) => void;

export interface PluginRegistryOptions {
  /** Longest wait for one plugin's init or close before it is abandoned (default 5000 ms). */
  hookTimeoutMs?: number;
}

export type PluginState = 'pending' | 'active' | 'failed' | 'closed';

export interface PluginStatus {
  name: string;
  version: string;
  state: PluginState;
}

interface Entry {
  plugin: Plugin;
  state: PluginState;
}

export const DEFAULT_PLUGIN_HOOK_TIMEOUT_MS = 5000;

export class PluginTimeoutError extends Error {
  constructor(plugin: string, hook: string, ms: number) {
    super(`plugin ${plugin}: ${hook} did not finish within ${ms} ms`);
    this.name = 'PluginTimeoutError';
  }
}

export class PluginRegistry {
  readonly #entries: Entry[];
  readonly #ctx: PluginContext;
  readonly #onError: PluginErrorHandler;
  readonly #hookTimeoutMs: number;
  /** Active plugins with an onAuditEvent hook, precomputed so dispatch is a plain loop. */
  #listeners: Entry[] = [];
  #closed = false;

  constructor(
    plugins: Plugin[],
    ctx: PluginContext,
    onError: PluginErrorHandler,
    options: PluginRegistryOptions = {},
  ) {
    const seen = new Set<string>();
    for (const p of plugins) {
      // Duplicate names would make error metrics and logs ambiguous: refuse at construction.
      if (seen.has(p.name)) throw new Error(`duplicate plugin name: ${p.name}`);
      seen.add(p.name);
    }
    this.#entries = plugins.map((plugin) => ({ plugin, state: 'pending' }));
    this.#ctx = ctx;
    this.#onError = onError;
    this.#hookTimeoutMs = options.hookTimeoutMs ?? DEFAULT_PLUGIN_HOOK_TIMEOUT_MS;
  }

  /** Initialises plugins in order; never rejects. */
  async init(): Promise<void> {
    for (const entry of this.#entries) {
      if (entry.state !== 'pending') continue;
      const { plugin } = entry;
      try {
        if (plugin.init) await this.#withTimeout(plugin.name, 'init', () => plugin.init?.(this.#ctx));
        entry.state = this.#closed ? 'closed' : 'active';
      } catch (err) {
        entry.state = 'failed';
        this.#report(plugin.name, err);
      }
    }
    this.#refreshListeners();
  }

  /** Fans one audit event out to every active plugin. Synchronous and never throws. */
  dispatch(event: AuditEvent): void {
    const listeners = this.#listeners;
    for (let i = 0; i < listeners.length; i++) {
      const { plugin } = listeners[i]!;
      try {
        // An async hook may slip through the void return type: catch its rejection too.
        const result: unknown = plugin.onAuditEvent!(event);
        if (isThenable(result)) result.then(undefined, (err: unknown) => this.#report(plugin.name, err));
      } catch (err) {
        this.#report(plugin.name, err);
      }
    }
  }

  /**
   * Mounts each active plugin's routes on `router`, each through its own sub-router: a plugin whose
   * routes() throws contributes no route at all, and errors from its handlers are reported (then
   * passed on to the kit's error handler, which answers JSON).
   */
  mount(router: Pick<Router, 'use'>): void {
    for (const entry of this.#entries) {
      const { plugin } = entry;
      if (entry.state !== 'active' || !plugin.routes) continue;
      const sub = Router();
      try {
        plugin.routes(sub);
      } catch (err) {
        this.#report(plugin.name, err);
        continue;
      }
      const reportHandlerError: ErrorRequestHandler = (err, _req, _res, next) => {
        this.#report(plugin.name, err);
        next(err);
      };
      sub.use(reportHandlerError);
      router.use(sub);
    }
  }

  /** Closes plugins in reverse order; never rejects. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners = [];
    for (const entry of [...this.#entries].reverse()) {
      const { plugin } = entry;
      entry.state = 'closed';
      if (!plugin.close) continue;
      try {
        await this.#withTimeout(plugin.name, 'close', () => plugin.close?.());
      } catch (err) {
        this.#report(plugin.name, err);
      }
    }
  }

  /** Name, version and state of every plugin (for start-up logs and diagnostics). */
  status(): PluginStatus[] {
    return this.#entries.map(({ plugin, state }) => ({ name: plugin.name, version: plugin.version, state }));
  }

  #refreshListeners(): void {
    this.#listeners = this.#entries.filter((e) => e.state === 'active' && e.plugin.onAuditEvent);
  }

  #report(plugin: string, err: unknown): void {
    try {
      this.#onError(plugin, err);
    } catch {
      // The error sink itself failed; there is nowhere safer to report to.
    }
  }

  async #withTimeout(plugin: string, hook: string, run: () => unknown): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new PluginTimeoutError(plugin, hook, this.#hookTimeoutMs)),
        this.#hookTimeoutMs,
      );
      timer.unref();
    });
    try {
      // Promise.resolve().then(run) turns a synchronous throw into a rejection.
      await Promise.race([Promise.resolve().then(run), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}
