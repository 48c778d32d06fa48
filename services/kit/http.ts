// The HTTP app every service shares: correlation and metrics middleware, probes, /openapi.json, the
// admin fault routes, plugin routes, the service's own routes, then 404 and the error handler.
import { context } from '@opentelemetry/api';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { SERVICES, type ServiceName } from '../../catalog/index.ts';
import type { Api } from './api.ts';
import type { BaseConfig } from './config.ts';
import { currentContext, runWithContext } from './context.ts';
import { CORRELATION_HEADER, CORRELATION_ID_PATTERN, newCorrelationId } from './correlation.ts';
import { errorBody, errorMiddleware, HttpError } from './errors.ts';
import { FAULT_HEADER, faultSetSchema, type Faults } from './faults.ts';
import { routeOf, serverSpans } from './http-spans.ts';
import type { Metrics } from './metrics.ts';
import type { PluginRegistry } from './plugins/plugin.ts';

const PROBE_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
const BODY_LIMIT = '100kb';

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
        // The request's span carries the correlation id (http-spans.ts), and outbound calls carry it
        // in baggage as well as in X-Correlation-ID (client.ts).
        next();
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
      const route = routeOf(req) ?? 'unmatched';
      duration.observe(
        { method: req.method, route, status_code: res.statusCode },
        (performance.now() - started) / 1000,
      );
    });
    next();
  };
}

/**
 * JSON bodies. The parser calls next() from the request stream's events, outside the request's async
 * context when the body arrives after the headers: continue in the request's contexts (trace span,
 * correlation id). Re-entering them costs two context switches; AsyncResource.bind halved throughput.
 */
function jsonBody() {
  const parse = express.json({ limit: BODY_LIMIT, strict: true });
  return (req: Request, res: Response, next: NextFunction): void => {
    const traced = context.active();
    const ours = currentContext();
    const resume = (err?: unknown): void => {
      if (ours) runWithContext(ours, () => context.with(traced, next, undefined, err));
      else context.with(traced, next, undefined, err);
    };
    void parse(req, res, resume);
  };
}

/** Injected latency, unavailability and errors, run before every business route (not probes). */
export function businessFaults(service: ServiceName, faults: Faults) {
  return async (_req: Request, _res: Response, next: NextFunction): Promise<void> => {
    const latency = faults.value('latency_ms');
    if (latency > 0) await faults.delay(latency);
    if (faults.fires('unavailable'))
      throw new HttpError(503, 'fault_unavailable', `${service} is unavailable (injected fault)`);
    if (faults.fires('error'))
      throw new HttpError(500, 'fault_injected', `${service} failed (injected fault)`);
    next();
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

function probes(app: Express, { service, config, metrics, api, faults, ready }: AppParts): void {
  const version = config.SERVICE_VERSION;
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service, version });
  });
  app.get('/readyz', (_req, res) => {
    const isReady = ready();
    res.status(isReady ? 200 : 503).json({ ready: isReady, service, version });
  });
  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get('/openapi.json', (_req, res) => {
    const info = { title: service, version, description: SERVICES[service].description };
    res.json(api.openapi(info, { faults: config.FAULTS_ENABLED, faultHeader: faults.headersEnabled }));
  });
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
  app.use(serverSpans(PROBE_PATHS));
  app.use(correlation(parts.config.SERVICE_VERSION, parts.faults));
  app.use(requestMetrics(parts.metrics));
  probes(app, parts);
  app.use(jsonBody());
  if (parts.config.ADMIN_ENABLED) adminRoutes(app, parts);
  const pluginRouter = express.Router();
  parts.plugins.mount(pluginRouter);
  app.use(pluginRouter);
  parts.api.endRoutes();
  app.use(parts.api.router);
  app.use((req, res) => {
    res.status(404).json(errorBody('not_found', `no route for ${req.method} ${req.path}`));
  });
  app.use(errorMiddleware(parts.logger));
  return app;
}
