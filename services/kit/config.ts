// Configuration from the environment, validated once at start. A bad value stops the service with a
// message naming the variable, instead of surfacing later as a confusing runtime failure.
import { z } from 'zod';
import { SERVICES, SERVICE_NAMES, type ServiceName } from '../../catalog/index.ts';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const rate = z.coerce.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
const ms = z.coerce.number().int('must be whole milliseconds').min(0, 'must not be negative');

function urlVar(name: ServiceName): string {
  return `${name.toUpperCase().replace(/-/g, '_')}_URL`;
}

const baseShape = {
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HOST: z.string().min(1).default('127.0.0.1'),
  SERVICE_VERSION: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,40}$/, 'letters, digits, dot, dash or underscore (max 40)')
    .default('0.1.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL')
    .optional(),
  DATA_DIR: z.string().min(1).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ message: 'expected a URL such as http://127.0.0.1:4318' }).optional(),
  OTEL_TRACES_SAMPLER_ARG: rate.default(1),
  FAULTS_ENABLED: bool.default(true),
  FAULT_HEADERS_ENABLED: bool.default(false),
  ADMIN_ENABLED: bool.default(false),
  LATENCY_SCALE: z.coerce.number().min(0).max(100).default(1),
  FAULT_DECLINE_RATE: rate.default(0),
  FAULT_BANK_ERROR_RATE: rate.default(0),
  FAULT_ERROR_RATE: rate.default(0),
  FAULT_UNAVAILABLE: rate.default(0),
  FAULT_LATENCY_MS: ms.default(0),
  SHUTDOWN_TIMEOUT_MS: ms.default(10_000),
  /** Keep serving (while /readyz says 503) so load balancers stop routing before the listener closes. */
  SHUTDOWN_DRAIN_DELAY_MS: ms.default(0),
  CIRCUIT_HALF_OPEN_MS: ms.default(5_000),
  CIRCUIT_CONSECUTIVE_FAILURES: z.coerce.number().int().min(1).default(5),
  /** Idempotency keys are remembered this long after their first request (at least a day). */
  IDEMPOTENCY_RETENTION_HOURS: z.coerce
    .number()
    .min(24, 'keys are kept at least 24 hours')
    .max(24 * 365)
    .default(24),
  /** A request executing under a key renews its hold every third of this; a crashed one frees it after it. */
  IDEMPOTENCY_LEASE_MS: z.coerce.number().int().min(300).max(600_000).default(10_000),
  IDEMPOTENCY_SWEEP_MS: z.coerce.number().int().min(1000).default(600_000),
  ANALYTICS_LATENCY_THRESHOLD_MS: z.coerce.number().positive().optional(),
  ANALYTICS_ERROR_THRESHOLD_PERCENT: z.coerce.number().positive().optional(),
  ...Object.fromEntries(
    SERVICE_NAMES.map((n) => [urlVar(n), z.url({ message: 'expected a URL' }).optional()] as const),
  ),
};

export const baseConfigSchema = z.object(baseShape);
export type BaseConfig = z.infer<typeof baseConfigSchema> & {
  service: ServiceName;
  port: number;
  urls: Record<ServiceName, string>;
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the base settings plus a service's own, throwing a ConfigError naming every bad variable. */
export function loadConfig<S extends z.ZodRawShape>(
  service: ServiceName,
  extra: S,
  env: NodeJS.ProcessEnv = process.env,
): BaseConfig & z.infer<z.ZodObject<S>> {
  const schema = z.object({ ...baseShape, ...extra });
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration for ${service}: ${problems.join('; ')}`);
  }
  const values = parsed.data as Record<string, unknown>;
  const urls = Object.fromEntries(
    SERVICE_NAMES.map((n) => [
      n,
      ((values[urlVar(n)] as string | undefined) ?? `http://127.0.0.1:${SERVICES[n].localPort}`).replace(
        /\/$/,
        '',
      ),
    ]),
  ) as Record<ServiceName, string>;
  return {
    ...(parsed.data as BaseConfig & z.infer<z.ZodObject<S>>),
    service,
    port: (values.PORT as number | undefined) ?? SERVICES[service].localPort,
    urls,
  };
}
