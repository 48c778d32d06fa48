// The service runtime: startService runs named steps — configuration; telemetry and logging (logger,
// metrics, audit log, faults); the database; the kit a service's setup receives; plugins; the HTTP app
// (http.ts); then the lifecycle (lifecycle.ts): ready only after setup, and on shutdown not ready,
// drain in-flight requests, close resources.
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ServiceName } from '../../catalog/index.ts';
import { Api } from './api.ts';
import { AuditLog, createLogger } from './audit.ts';
import { ServiceClient } from './client.ts';
import { loadConfig, type BaseConfig } from './config.ts';
import { openDatabase, migrate, type Database } from './db/index.ts';
import { IdempotencyStore, idempotencyMigrations } from './idempotency/store.ts';
import { Faults } from './faults.ts';
import { buildApp, businessFaults } from './http.ts';
import { BackgroundTasks, listen, shutdown } from './lifecycle.ts';
import { Metrics } from './metrics.ts';
import { PluginRegistry, type Plugin } from './plugins/plugin.ts';
import { TransactionAnalyticsPlugin } from './plugins/transaction-analytics.ts';

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

/** Telemetry and logging: the logger, the service's metrics, its audit log (counted), its faults (counted). */
function observability<E extends string>(
  def: { name: ServiceName; auditEvents: readonly E[] },
  config: BaseConfig,
) {
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
  return { logger, metrics, audit, faults };
}

/** The database of a stateful service, migrated (its own tables and the kit's), and its idempotency keys. */
async function openStore(
  name: ServiceName,
  migrationsDir: string | undefined,
  config: BaseConfig,
  logger: Logger,
): Promise<{ db?: Database; idempotency?: IdempotencyStore }> {
  if (!migrationsDir) return {};
  const db = await openDatabase(
    config.DATABASE_URL ? { url: config.DATABASE_URL } : { dataDir: config.DATA_DIR ?? `.run/data/${name}` },
  );
  const applied = [
    ...(await migrate(db, name, migrationsDir)),
    // The kit's own tables, tracked apart from the service's (<service>_kit_schema_migrations).
    ...(await migrate(db, `${name}_kit`, idempotencyMigrations(name))),
  ];
  if (applied.length) logger.info({ applied }, 'migrations applied');
  const idempotency = new IdempotencyStore(db, name, {
    leaseMs: config.IDEMPOTENCY_LEASE_MS,
    retentionMs: config.IDEMPOTENCY_RETENTION_HOURS * 3_600_000,
  });
  return { db, idempotency };
}

type Observability<E extends string> = ReturnType<typeof observability<E>>;

/** The kit a service's setup receives: its observability, API, database, clients and background tasks. */
function buildKit<C extends BaseConfig, E extends string>(
  name: ServiceName,
  config: C,
  { logger, metrics, audit, faults }: Observability<E>,
  { db, idempotency }: { db?: Database; idempotency?: IdempotencyStore },
  tasks: BackgroundTasks,
  clients: Map<ServiceName, ServiceClient>,
): Kit<C, E> {
  const idempotencyRequests = metrics.counter('idempotencyRequests');
  const api = new Api({
    beforeBusiness: [businessFaults(name, faults)],
    ...(idempotency ? { idempotency } : {}),
    onIdempotency: (route, outcome) => idempotencyRequests.inc({ route, outcome }),
  });
  return {
    config,
    logger,
    audit,
    metrics,
    api,
    faults,
    get db(): Database {
      if (!db) throw new Error(`${name} has no database (set migrationsDir)`);
      return db;
    },
    client(to) {
      let c = clients.get(to);
      if (!c) {
        c = new ServiceClient({
          from: name,
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
    every: (ms, name, task) => tasks.every(ms, name, task),
  };
}

/** The kit's plugins (transaction analytics) and the service's own, initialised and fed the audit log. */
async function startPlugins<C extends BaseConfig, E extends string>(
  kit: Kit<C, E>,
  own: Plugin[],
): Promise<PluginRegistry> {
  const { config, logger, metrics, audit } = kit;
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
      ...own,
    ],
    { service: config.service, version: config.SERVICE_VERSION, logger },
    (plugin, err) => {
      pluginErrors.inc({ plugin });
      logger.warn({ err, plugin }, 'plugin failed; request unaffected');
    },
  );
  await plugins.init();
  audit.subscribe((e) => plugins.dispatch(e));
  return plugins;
}

/** Builds and starts a service. Used by main.ts (after telemetry) and by tests (in-process). */
export async function startService<S extends z.ZodRawShape, E extends string>(
  def: ServiceDefinition<S, E>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunningService> {
  const config = loadConfig(def.name, def.config, env) as Config<S>;
  const observed = observability(def, config);
  const { logger, metrics } = observed;
  const store = await openStore(def.name, def.migrationsDir, config, logger);
  const tasks = new BackgroundTasks(logger);
  const clients = new Map<ServiceName, ServiceClient>();
  const kit = buildKit(def.name, config, observed, store, tasks, clients);
  const plugins = await startPlugins(kit, def.plugins?.(kit) ?? []);

  const hooks = (await def.setup(kit)) ?? {};
  const { idempotency } = store;
  if (idempotency) {
    kit.every(config.IDEMPOTENCY_SWEEP_MS, 'purge-idempotency-keys', async () => {
      const purged = await idempotency.purgeExpired();
      if (purged) logger.info({ purged }, 'expired idempotency keys purged');
    });
  }

  let ready = false;
  const app = buildApp({ service: def.name, ...observed, config, api: kit.api, plugins, ready: () => ready });
  const { server, port } = await listen(app, config);
  if (hooks.beforeReady) await hooks.beforeReady();
  ready = true;
  logger.info({ port, host: config.HOST }, `${def.name} ready`);

  const close = shutdown({
    config,
    logger,
    server,
    tasks,
    notReady: () => (ready = false),
    closers: [
      () => hooks.close?.(),
      () => plugins.close(),
      async () => {
        await Promise.all([...clients.values()].map((c) => c.close()));
      },
      () => store.db?.close(),
    ],
  });
  return { url: `http://${config.HOST}:${port}`, port, server, logger, metrics, close };
}
