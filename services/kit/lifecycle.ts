// A service's lifecycle: background tasks, listening, and a graceful shutdown — not ready, keep serving
// for the drain delay, stop the tasks, drain in-flight requests (then cut the rest), close resources.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { BaseConfig } from './config.ts';

/** Periodic tasks of one service; shutdown stops them and waits for the runs in progress. */
export class BackgroundTasks {
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #running = new Set<Promise<void>>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Runs task every ms until stop(); errors are logged, never thrown. */
  every(ms: number, name: string, task: () => Promise<void>): void {
    const timer = setInterval(() => {
      const p = task()
        .catch((err: unknown) => this.#logger.error({ err, task: name }, 'background task failed'))
        .finally(() => this.#running.delete(p));
      this.#running.add(p);
    }, ms);
    timer.unref();
    this.#timers.push(timer);
  }

  /** No new runs from now on. */
  stop(): void {
    for (const t of this.#timers) clearInterval(t);
  }

  /** Resolves when every run in progress has finished. */
  async settled(): Promise<void> {
    await Promise.allSettled(this.#running);
  }
}

export async function listen(app: Express, config: BaseConfig): Promise<{ server: Server; port: number }> {
  const server = app.listen(config.port, config.HOST);
  await once(server, 'listening');
  // Longer than typical load-balancer idle timeouts so they, not we, close idle connections.
  server.keepAliveTimeout = 65_000;
  return { server, port: (server.address() as AddressInfo).port };
}

export interface ShutdownParts {
  config: BaseConfig;
  logger: Logger;
  server: Server;
  tasks: BackgroundTasks;
  notReady(): void;
  /** Closed in this order once requests have drained: the service's hook, plugins, database. */
  closers: readonly (() => Promise<void> | undefined)[];
}

/** Graceful shutdown, run once however often it is called. */
export function shutdown({
  config,
  logger,
  server,
  tasks,
  notReady,
  closers,
}: ShutdownParts): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () =>
    (closing ??= (async () => {
      notReady();
      logger.info({ drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS }, 'shutting down: not ready, draining');
      if (config.SHUTDOWN_DRAIN_DELAY_MS > 0) await sleep(config.SHUTDOWN_DRAIN_DELAY_MS);
      tasks.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = sleep(config.SHUTDOWN_TIMEOUT_MS).then(() => 'timeout' as const);
      if ((await Promise.race([closed, deadline])) === 'timeout') {
        logger.warn('drain timeout: closing remaining connections');
        server.closeAllConnections();
      }
      await tasks.settled();
      for (const close of closers) await close();
      logger.info('shutdown complete');
    })());
}
