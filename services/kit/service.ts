// The service runtime: builds the express app every service shares (correlation, metrics, probes,
// OpenAPI, errors, faults, plugins), opens the database, and owns the lifecycle — ready only after
// setup, and on shutdown: not ready, drain in-flight requests, close resources.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import express, { type NextFunction, type Request, type Response } from 'express';
import { context, propagation, trace } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { SERVICES, type ServiceName } from '../../catalog/index.ts';
import { Api } from './api.ts';
import { AuditLog, createLogger } from './audit.ts';
import { ServiceClient } from './client.ts';
import { loadConfig, type BaseConfig } from './config.ts';
import { runWithContext } from './context.ts';
import { CORRELATION_HEADER, CORRELATION_ID_PATTERN, newCorrelationId } from './correlation.ts';
import { openDatabase, migrate, type Database } from './db/index.ts';
import { IdempotencyStore, idempotencyMigrations } from './idempotency/store.ts';
import { errorBody, errorMiddleware, HttpError } from './errors.ts';
import { FAULT_HEADER, Faults, faultSetSchema } from './faults.ts';
import { Metrics } from './metrics.ts';
import { PluginRegistry, type Plugin } from './plugins/plugin.ts';
import { TransactionAnalyticsPlugin } from './plugins/transaction-analytics.ts';

const PROBE_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
export const BODY_LIMIT = '100kb';

export type Config<S extends z.ZodRawShape> = BaseConfig & z.infer<z.ZodObject<S>>;

export interface Kit<C extends BaseConfig, E extends string> {
  readonly config: C;
  readonly logger: Logger;
  readonly audit: AuditLog<E>;
  readonly metrics: Metrics;
  readonly api: Api;
  readonly faults: Faults;
  /** The service's database (stateful services only). */
  readonly db: Database;
  client(to: ServiceName): ServiceClient;
  /** Runs task every ms until shutdown; errors are logged, never thrown. */
  every(ms: number, name: string, task: () => Promise<void>): void;
}

export interface Hooks {
  /** Runs before the service reports ready (e.g. saga recovery). */
  beforeReady?(): Promise<void>;
  close?(): Promise<void>;
}

export interface ServiceDefinition<S extends z.ZodRawShape, E extends string> {
  name: ServiceName;
  config: S;
  auditEvents: readonly E[];
  /** Directory of NNN_name.sql migrations; set for stateful services. */
  migrationsDir?: string;
  plugins?: (kit: Kit<Config<S>, E>) => Plugin[];
  setup(kit: Kit<Config<S>, E>): Promise<Hooks | void> | Hooks | void;
}

export function defineService<S extends z.ZodRawShape, E extends string>(
  def: ServiceDefinition<S, E>,
): ServiceDefinition<S, E> {
  return def;
}

export interface RunningService {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Graceful shutdown: not ready, drain, close. Idempotent. */
  close(): Promise<void>;
}

function correlation(version: string, faults: Faults) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const given = req.get(CORRELATION_HEADER);
    const correlationId = given ?? newCorrelationId();
    res.set(
      'X-Correlation-ID',
      CORRELATION_ID_PATTERN.test(correlationId) ? correlationId : newCorrelationId(),
    );
    res.set('X-Service-Version', version);
    const faultHeader = faults.headersEnabled ? req.get(FAULT_HEADER) : undefined;
    runWithContext(
      { correlationId: res.get('X-Correlation-ID') as string, ...(faultHeader ? { faultHeader } : {}) },
      () => {
        if (given !== undefined && !CORRELATION_ID_PATTERN.test(given)) {
          res
            .status(400)
            .json(
              errorBody(
                'invalid_correlation_id',
                'X-Correlation-ID must be 1-128 characters of A-Z a-z 0-9 . _ : -',
              ),
            );
          return;
        }
        if (faultHeader) {
          try {
            faults.requestFaults(); // validates the header now, and keeps it parsed for the request
          } catch (err) {
            next(err);
            return;
          }
        }
        // The inbound span carries the correlation id, so a trace backend finds every trace of one
        // transaction by it (make trace, Jaeger's search by tag)...
        trace.getActiveSpan()?.setAttribute('correlation_id', correlationId);
        // ...and baggage carries it to downstream spans and services.
        const bag = (propagation.getBaggage(context.active()) ?? propagation.createBaggage()).setEntry(
          'correlation_id',
          {
            value: correlationId,
          },
        );
        context.with(propagation.setBaggage(context.active(), bag), next);
      },
    );
  };
}

function requestMetrics(metrics: Metrics) {
  const duration = metrics.histogram('httpServerDuration');
  const inFlight = metrics.gauge('httpServerInFlight');
  return (req: Request, res: Response, next: NextFunction): void => {
    if (PROBE_PATHS.has(req.path)) {
      next();
      return;
    }
    const started = performance.now();
    inFlight.inc();
    res.once('close', () => {
      inFlight.dec();
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      duration.observe(
        { method: req.method, route, status_code: res.statusCode },
        (performance.now() - started) / 1000,
      );
    });
    next();
  };
}

/** Builds and starts a service. Used by main.ts (after telemetry) and by tests (in-process). */
export async function startService<S extends z.ZodRawShape, E extends string>(
  def: ServiceDefinition<S, E>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunningService> {
  const config = loadConfig(def.name, def.config, env) as Config<S>;
  const logger = createLogger(def.name, config.SERVICE_VERSION, config.LOG_LEVEL);
  const metrics = new Metrics(def.name, config.SERVICE_VERSION);
  const audit = new AuditLog<E>({
    logger,
    vocabulary: def.auditEvents,
    service: def.name,
    version: config.SERVICE_VERSION,
  });
  const auditCounter = metrics.counter('auditEvents');
  audit.subscribe((e) => auditCounter.inc({ event: e.event }));
  const faultCounter = metrics.counter('faultsInjected');
  const faults = new Faults({
    service: def.name,
    enabled: config.FAULTS_ENABLED,
    headersEnabled: config.FAULT_HEADERS_ENABLED,
    latencyScale: config.LATENCY_SCALE,
    baseline: {
      decline: config.FAULT_DECLINE_RATE,
      bank_error: config.FAULT_BANK_ERROR_RATE,
      error: config.FAULT_ERROR_RATE,
      unavailable: config.FAULT_UNAVAILABLE,
      latency_ms: config.FAULT_LATENCY_MS,
    },
    onInjected: (fault) => faultCounter.inc({ fault }),
  });

  let db: Database | undefined;
  if (def.migrationsDir) {
    db = await openDatabase(
      config.DATABASE_URL
        ? { url: config.DATABASE_URL }
        : { dataDir: config.DATA_DIR ?? `.run/data/${def.name}` },
    );
    const applied = [
      ...(await migrate(db, def.name, def.migrationsDir)),
      // The kit's own tables, tracked apart from the service's (<service>_kit_schema_migrations).
      ...(await migrate(db, `${def.name}_kit`, idempotencyMigrations(def.name))),
    ];
    if (applied.length) logger.info({ applied }, 'migrations applied');
  }
  const idempotency =
    db &&
    new IdempotencyStore(db, def.name, {
      leaseMs: config.IDEMPOTENCY_LEASE_MS,
      retentionMs: config.IDEMPOTENCY_RETENTION_HOURS * 3_600_000,
    });

  const clients = new Map<ServiceName, ServiceClient>();
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<void>>();
  const businessFaults = async (_req: Request, _res: Response, next: NextFunction): Promise<void> => {
    const latency = faults.value('latency_ms');
    if (latency > 0) await faults.delay(latency);
    if (faults.fires('unavailable'))
      throw new HttpError(503, 'fault_unavailable', `${def.name} is unavailable (injected fault)`);
    if (faults.fires('error'))
      throw new HttpError(500, 'fault_injected', `${def.name} failed (injected fault)`);
    next();
  };
  const idempotencyRequests = metrics.counter('idempotencyRequests');
  const api = new Api({
    beforeBusiness: [businessFaults],
    ...(idempotency ? { idempotency } : {}),
    onIdempotency: (route, outcome) => idempotencyRequests.inc({ route, outcome }),
  });

  const kit: Kit<Config<S>, E> = {
    config,
    logger,
    audit,
    metrics,
    api,
    faults,
    get db(): Database {
      if (!db) throw new Error(`${def.name} has no database (set migrationsDir)`);
      return db;
    },
    client(to) {
      let c = clients.get(to);
      if (!c) {
        c = new ServiceClient({
          from: def.name,
          to,
          baseUrl: config.urls[to],
          metrics,
          halfOpenAfterMs: config.CIRCUIT_HALF_OPEN_MS,
          consecutiveFailures: config.CIRCUIT_CONSECUTIVE_FAILURES,
        });
        clients.set(to, c);
      }
      return c;
    },
    every(ms, name, task) {
      const timer = setInterval(() => {
        const p = task()
          .catch((err: unknown) => logger.error({ err, task: name }, 'background task failed'))
          .finally(() => running.delete(p));
        running.add(p);
      }, ms);
      timer.unref();
      timers.push(timer);
    },
  };

  const pluginErrors = metrics.counter('pluginErrors');
  const plugins = new PluginRegistry(
    [
      new TransactionAnalyticsPlugin({
        ...(config.ANALYTICS_LATENCY_THRESHOLD_MS
          ? { latencyThresholdMs: config.ANALYTICS_LATENCY_THRESHOLD_MS }
          : {}),
        ...(config.ANALYTICS_ERROR_THRESHOLD_PERCENT
          ? { errorThresholdPercent: config.ANALYTICS_ERROR_THRESHOLD_PERCENT }
          : {}),
      }),
      ...(def.plugins?.(kit) ?? []),
    ],
    { service: def.name, version: config.SERVICE_VERSION, logger },
    (plugin, err) => {
      pluginErrors.inc({ plugin });
      logger.warn({ err, plugin }, 'plugin failed; request unaffected');
    },
  );
  await plugins.init();
  audit.subscribe((e) => plugins.dispatch(e));

  const hooks = (await def.setup(kit)) ?? {};
  if (idempotency) {
    kit.every(config.IDEMPOTENCY_SWEEP_MS, 'purge-idempotency-keys', async () => {
      const purged = await idempotency.purgeExpired();
      if (purged) logger.info({ purged }, 'expired idempotency keys purged');
    });
  }

  let ready = false;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(correlation(config.SERVICE_VERSION, faults));
  app.use(requestMetrics(metrics));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: def.name, version: config.SERVICE_VERSION });
  });
  app.get('/readyz', (_req, res) => {
    res.status(ready ? 200 : 503).json({ ready, service: def.name, version: config.SERVICE_VERSION });
  });
  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(
      api.openapi({
        title: def.name,
        version: config.SERVICE_VERSION,
        description: SERVICES[def.name].description,
      }),
    );
  });
  app.use(express.json({ limit: BODY_LIMIT, strict: true }));
  if (config.ADMIN_ENABLED) {
    app.get('/admin/faults', (_req, res) => {
      res.json(faults.snapshot());
    });
    app.put('/admin/faults', (req, res) => {
      const parsed = faultSetSchema.safeParse(req.body);
      if (!parsed.success) {
        throw new HttpError(
          400,
          'validation_failed',
          parsed.error.issues.map((i) => `body.${i.path.join('.')}: ${i.message}`).join('; '),
        );
      }
      faults.setOverrides(parsed.data);
      logger.warn({ overrides: parsed.data }, 'fault overrides changed at run time');
      res.json(faults.snapshot());
    });
  }
  const pluginRouter = express.Router();
  plugins.mount(pluginRouter);
  app.use(pluginRouter);
  api.endRoutes();
  app.use(api.router);
  app.use((req, res) => {
    res.status(404).json(errorBody('not_found', `no route for ${req.method} ${req.path}`));
  });
  app.use(errorMiddleware(logger));

  const server = app.listen(config.port, config.HOST);
  await once(server, 'listening');
  // Longer than typical load-balancer idle timeouts so they, not we, close idle connections.
  server.keepAliveTimeout = 65_000;
  const port = (server.address() as AddressInfo).port;
  if (hooks.beforeReady) await hooks.beforeReady();
  ready = true;
  logger.info({ port, host: config.HOST }, `${def.name} ready`);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      ready = false;
      logger.info({ drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS }, 'shutting down: not ready, draining');
      if (config.SHUTDOWN_DRAIN_DELAY_MS > 0) await sleep(config.SHUTDOWN_DRAIN_DELAY_MS);
      for (const t of timers) clearInterval(t);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = sleep(config.SHUTDOWN_TIMEOUT_MS).then(() => 'timeout' as const);
      if ((await Promise.race([closed, deadline])) === 'timeout') {
        logger.warn('drain timeout: closing remaining connections');
        server.closeAllConnections();
      }
      await Promise.allSettled(running);
      await hooks.close?.();
      await plugins.close();
      await db?.close();
      logger.info('shutdown complete');
    })());

  return { url: `http://${config.HOST}:${port}`, port, server, logger, metrics, close };
}
