// Configuration from the environment, validated once at start. A bad value stops the service with a
// message naming the variable, instead of surfacing later as a confusing runtime failure.
import { readFileSync } from 'node:fs';
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

/**
 * Credentials come from files that Kubernetes mounts from a Secret, never from the pod's
 * environment (which `kubectl describe`, crash dumps and child processes see). `<NAME>_FILE` names
 * the file, as in the official PostgreSQL image: DATABASE_URL_FILE holds the whole URL;
 * PGPASSWORD_FILE holds the password of DATABASE_URL's user (the URL then carries none). One line;
 * a trailing newline (as `echo` or `kubectl create secret --from-file` leave it) is dropped.
 */
const URL_FILE = 'DATABASE_URL_FILE';
const PASSWORD_FILE = 'PGPASSWORD_FILE';

function readCredential(variable: string, path: string, problems: string[]): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    problems.push(`${variable}: cannot read ${path} (${code})`);
    return undefined;
  }
  const value = text.replace(/\r?\n$/, '');
  if (value === '') problems.push(`${variable}: ${path} is empty`);
  else if (/[\r\n]/.test(value)) problems.push(`${variable}: ${path} holds more than one line`);
  else return value;
  return undefined;
}

/** DATABASE_URL after its *_FILE variables are read; every problem is named in `problems`. */
function resolveDatabaseUrl(env: NodeJS.ProcessEnv, problems: string[]): string | undefined {
  let url = env.DATABASE_URL;
  if (env[URL_FILE] !== undefined) {
    if (url !== undefined) problems.push(`${URL_FILE}: set DATABASE_URL or ${URL_FILE}, not both`);
    else url = readCredential(URL_FILE, env[URL_FILE], problems);
  }
  const passwordPath = env[PASSWORD_FILE];
  if (passwordPath === undefined) return url;
  const password = readCredential(PASSWORD_FILE, passwordPath, problems);
  if (url === undefined) {
    problems.push(`${PASSWORD_FILE}: the password is for DATABASE_URL's user, but DATABASE_URL is not set`);
    return undefined;
  }
  if (password === undefined) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url; // the schema names the malformed URL
  }
  if (parsed.password !== '') {
    problems.push(`${PASSWORD_FILE}: DATABASE_URL already carries a password; set it in one place`);
    return url;
  }
  // Percent-encoded, as a URL's userinfo must be; pg decodes it back (decodeURIComponent).
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/** Parses the base settings plus a service's own, throwing a ConfigError naming every bad variable. */
export function loadConfig<S extends z.ZodRawShape>(
  service: ServiceName,
  extra: S,
  env: NodeJS.ProcessEnv = process.env,
): BaseConfig & z.infer<z.ZodObject<S>> {
  const schema = z.object({ ...baseShape, ...extra });
  const problems: string[] = [];
  const databaseUrl = resolveDatabaseUrl(env, problems);
  const parsed = schema.safeParse({ ...env, DATABASE_URL: databaseUrl });
  if (!parsed.success) problems.push(...parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  if (!parsed.success || problems.length > 0) {
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
