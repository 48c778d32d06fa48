// The local router: an HTTP proxy that routes every request by a VirtualService (the synthesized one,
// see chart-routing.ts), as the Istio ingress gateway does in the cluster: first matching route,
// destination drawn by weight, DestinationRule subset -> the local process of that version.
// `apply` replaces the VirtualService, which is how the promoter's weight patches reach it.
// Timeouts and connect-failure retries of a route are honoured; answers of its own (no route, no
// upstream, timeout) are JSON errors with the status Envoy would use (404, 503, 504).
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  durationMs,
  pickDestination,
  rewrittenPath,
  selectRoute,
  type Destination,
  type HttpRoute,
  type VirtualService,
} from './virtual-service.ts';

/** Base URL (http://host:port) of a destination, or undefined when nothing serves it. */
export type Resolver = (destination: Destination) => string | undefined;

export interface RouterOptions {
  readonly virtualService: VirtualService;
  readonly resolve: Resolver;
  readonly port?: number;
  /** Labels of the workload the router stands in for ({} = a client outside the mesh). */
  readonly sourceLabels?: Readonly<Record<string, string>>;
  readonly random?: () => number;
}

export interface Router {
  readonly url: string;
  readonly port: number;
  current(): VirtualService;
  apply(vs: VirtualService): void;
  /** Requests forwarded to an upstream so far. */
  forwarded(): number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1 << 20;
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
]);

class RouteError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function reply(res: ServerResponse, err: RouteError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(err.status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: err.code, message: err.message }));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      throw new RouteError(413, 'payload_too_large', `request body above ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function forwardHeaders(req: IncomingMessage, base: string): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
  headers.host = new URL(base).host;
  headers['x-forwarded-for'] = req.socket.remoteAddress ?? '127.0.0.1';
  return headers;
}

const isConnectFailure = (err: unknown): boolean =>
  ['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH'].includes((err as { code?: string }).code ?? '');

/** One attempt: resolves once the upstream's status and headers are written to `res`. */
const attempt = (
  agent: Agent,
  base: string,
  path: string,
  req: IncomingMessage,
  body: Buffer,
  res: ServerResponse,
  timeoutMs: number,
) =>
  new Promise<void>((resolve, reject) => {
    const upstream = httpRequest(new URL(path, base), {
      method: req.method,
      headers: forwardHeaders(req, base),
      agent,
    });
    const timer = setTimeout(
      () => upstream.destroy(new RouteError(504, 'upstream_timeout', `no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    upstream.on('response', (up) => {
      clearTimeout(timer);
      const headers = Object.fromEntries(Object.entries(up.headers).filter(([k]) => !HOP_BY_HOP.has(k)));
      res.writeHead(up.statusCode ?? 502, headers as Record<string, string | string[]>);
      up.pipe(res);
      up.on('end', resolve);
      up.on('error', reject);
    });
    upstream.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    upstream.end(body);
  });

/**
 * Forwards within the route's timeout, each try within its per-try timeout, retrying a connect
 * failure as often as the route allows; any other failure answers 503 (a timeout 504).
 */
async function forward(
  agent: Agent,
  base: string,
  target: string,
  req: IncomingMessage,
  body: Buffer,
  res: ServerResponse,
  route: HttpRoute,
): Promise<void> {
  const { retries, timeout } = route;
  const retryOnConnect = retries?.retryOn?.split(',').includes('connect-failure') ?? false;
  const perTry = retries?.perTryTimeout ? durationMs(retries.perTryTimeout) : Infinity;
  const deadline = Date.now() + (timeout ? durationMs(timeout) : Infinity);
  for (let n = 0; ; n++) {
    const budget = Math.min(perTry, deadline - Date.now());
    try {
      await attempt(
        agent,
        base,
        target,
        req,
        body,
        res,
        Number.isFinite(budget) ? Math.max(1, budget) : 2 ** 31 - 1,
      );
      return;
    } catch (err) {
      if (err instanceof RouteError) throw err;
      if (!(isConnectFailure(err) && retryOnConnect && n < (retries?.attempts ?? 0))) {
        throw new RouteError(503, 'upstream_connect_failure', `${base}: ${(err as Error).message}`);
      }
    }
  }
}

export async function startRouter(options: RouterOptions): Promise<Router> {
  let vs = options.virtualService;
  let forwarded = 0;
  const random = options.random ?? Math.random;
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = req.url ?? '/';
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]),
    );
    const info = { method: req.method ?? 'GET', path, headers, sourceLabels: options.sourceLabels ?? {} };
    const choice = selectRoute(vs, info);
    if (!choice)
      throw new RouteError(
        404,
        'no_route',
        `no route of VirtualService ${vs.metadata.name} matches ${info.method} ${path}`,
      );
    const destination = pickDestination(choice.route, random);
    const base = options.resolve(destination);
    if (!base)
      throw new RouteError(
        503,
        'no_upstream',
        `nothing serves ${destination.host} subset ${destination.subset ?? '-'}`,
      );
    const body = await readBody(req);
    forwarded++;
    await forward(agent, base, rewrittenPath(choice, path), req, body, res, choice.route);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) =>
      reply(res, err instanceof RouteError ? err : new RouteError(502, 'router_error', String(err))),
    );
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    current: () => vs,
    forwarded: () => forwarded,
    apply: (next) => {
      vs = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
