// The HTTP app every service shares: one front middleware (correlation id, span, metrics), probes and
// /openapi.json, the admin fault routes, the service's own routes, plugin routes, then 404 and the
// error handler.
import { context, type Context as OtelContext } from '@opentelemetry/api';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { SERVICES, type ServiceName } from '../../catalog/index.ts';
import type { Api } from './api.ts';
import type { BaseConfig } from './config.ts';
import { currentContext, runWithContext } from './context.ts';
import { CORRELATION_HEADER, CORRELATION_ID_PATTERN, newCorrelationId } from './correlation.ts';
import { errorBody, errorMiddleware, HttpError } from './errors.ts';
import { FAULT_HEADER, faultSetSchema, type Faults } from './faults.ts';
import { routeOf, startServerSpan } from './http-spans.ts';
import type { Metrics } from './metrics.ts';
import type { PluginRegistry } from './plugins/plugin.ts';

const PROBE_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
const BODY_LIMIT = '100kb';

type Histogram = ReturnType<Metrics['histogram']>;

/** The request-duration histogram's series, one bound child per method, route and status. */
function durationSeries(duration: Histogram) {
  const series = new Map<string, { observe(seconds: number): void }>();
  return (method: string, route: string, status: number, seconds: number): void => {
    const key = `${method} ${status} ${route}`;
    let child = series.get(key);
    if (!child) {
      child = duration.labels({ method, route, status_code: status });
      series.set(key, child);
    }
    child.observe(seconds);
  };
}

/**
 * What every request gets, in one middleware with one 'close' listener (each router layer and each
 * listener is paid on every request): a correlation id (the client's, or a new one), the service
 * version header, the request context; except for probes, the SERVER span (http-spans.ts) and the
 * request metrics. Outbound calls carry the correlation id in baggage and X-Correlation-ID (client.ts).
 */
function requestFront({ config, faults, metrics }: AppParts) {
  const version = config.SERVICE_VERSION;
  const observe = durationSeries(metrics.histogram('httpServerDuration'));
  const inFlight = metrics.gauge('httpServerInFlight');
  return (req: Request, res: Response, next: NextFunction): void => {
    const given = req.headers[CORRELATION_HEADER] as string | undefined;
    const validGiven = given !== undefined && CORRELATION_ID_PATTERN.test(given);
    const correlationId = validGiven ? given : newCorrelationId();
    res.setHeader('X-Correlation-ID', correlationId);
    res.setHeader('X-Service-Version', version);
    const faultHeader = faults.headersEnabled ? (req.headers[FAULT_HEADER] as string | undefined) : undefined;

    let traced: OtelContext | undefined;
    if (!PROBE_PATHS.has(req.path)) {
      const span = startServerSpan(req, res);
      traced = span.traced;
      const started = performance.now();
      inFlight.inc();
      res.once('close', () => {
        inFlight.dec();
        observe(
          req.method,
          routeOf(req) ?? 'unmatched',
          res.statusCode,
          (performance.now() - started) / 1000,
        );
        span.end();
      });
    }

    const proceed = (): void => {
      if (given !== undefined && !validGiven) {
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
      next();
    };
    runWithContext(
      { correlationId, ...(faultHeader ? { faultHeader } : {}) },
      traced ? () => context.with(traced, proceed) : proceed,
    );
  };
}

/**
 * JSON bodies. The parser calls next() from the request stream's events, outside the request's async
 * context when the body arrives after the headers: continue in the request's contexts (trace span,
 * correlation id). Re-entering them costs two context switches (AsyncResource.bind halved
 * throughput), so a request without a body (most GETs) skips the parser as it would skip itself.
 */
function jsonBody() {
  const parse = express.json({ limit: BODY_LIMIT, strict: true });
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!hasBody(req)) {
      next();
      return;
    }
    const traced = context.active();
    const ours = currentContext();
    const resume = (err?: unknown): void => {
      if (ours) runWithContext(ours, () => context.with(traced, next, undefined, err));
      else context.with(traced, next, undefined, err);
    };
    void parse(req, res, resume);
  };
}

/** As type-is (which the parser asks): a body is announced by Transfer-Encoding or Content-Length. */
function hasBody(req: Request): boolean {
  return (
    req.headers['transfer-encoding'] !== undefined || !Number.isNaN(Number(req.headers['content-length']))
  );
}

/** Injected latency, unavailability and errors, run before every business route (not probes). */
export function businessFaults(service: ServiceName, faults: Faults) {
  const failures = (next: NextFunction): void => {
    if (faults.fires('unavailable'))
      throw new HttpError(503, 'fault_unavailable', `${service} is unavailable (injected fault)`);
    if (faults.fires('error'))
      throw new HttpError(500, 'fault_injected', `${service} failed (injected fault)`);
    next();
  };
  // Synchronous unless a latency is injected: no promise turn on every business request.
  return (_req: Request, _res: Response, next: NextFunction): Promise<void> | undefined => {
    const latency = faults.value('latency_ms');
    if (latency > 0) return faults.delay(latency).then(() => failures(next));
    failures(next);
    return undefined;
  };
}

/** What the app serves and reports on; `ready` is read at each /readyz. */
export interface AppParts {
  service: ServiceName;
  config: BaseConfig;
  logger: Logger;
  metrics: Metrics;
  faults: Faults;
  api: Api;
  plugins: PluginRegistry;
  ready(): boolean;
}

/**
 * Probes, /metrics and /openapi.json (GET and HEAD), answered by one lookup: business requests pass
 * one layer here, not one route each.
 */
function probes({ service, config, metrics, api, faults, ready }: AppParts) {
  const version = config.SERVICE_VERSION;
  const routes = new Map<string, (res: Response) => void | Promise<void>>([
    ['/healthz', (res) => void res.json({ status: 'ok', service, version })],
    [
      '/readyz',
      (res) => {
        const isReady = ready();
        res.status(isReady ? 200 : 503).json({ ready: isReady, service, version });
      },
    ],
    [
      '/metrics',
      async (res) => {
        res.set('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics());
      },
    ],
    [
      '/openapi.json',
      (res) => {
        const info = { title: service, version, description: SERVICES[service].description };
        res.json(api.openapi(info, { faults: config.FAULTS_ENABLED, faultHeader: faults.headersEnabled }));
      },
    ],
  ]);
  return (req: Request, res: Response, next: NextFunction): void => {
    const probe = req.method === 'GET' || req.method === 'HEAD' ? routes.get(req.path) : undefined;
    if (!probe) {
      next();
      return;
    }
    Promise.resolve()
      .then(() => probe(res))
      .catch(next);
  };
}

/** Run-time fault overrides (ADMIN_ENABLED only: the demo and the canary drive them). */
function adminRoutes(app: Express, { faults, logger }: AppParts): void {
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

/** Builds the app; call after the service's setup has declared its routes on `api`. */
export function buildApp(parts: AppParts): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestFront(parts));
  app.use(probes(parts));
  app.use(jsonBody());
  if (parts.config.ADMIN_ENABLED) adminRoutes(app, parts);
  // The service's routes on the app itself (no nested router to pass), then the plugins' (their
  // paths are their own: after the business routes, a business request never walks through them).
  parts.api.mount(app);
  parts.plugins.mount(app);
  app.use((req, res) => {
    res.status(404).json(errorBody('not_found', `no route for ${req.method} ${req.path}`));
  });
  app.use(errorMiddleware(parts.logger));
  return app;
}
