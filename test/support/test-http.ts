// Test helper: a tiny express app on 127.0.0.1 (random port) for exercising plugin routes.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import type { ErrorRequestHandler, Router } from 'express';

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

/** Starts an app whose routes are added by `mountRoutes`, with a JSON error handler like the kit's. */
export async function startTestServer(mountRoutes: (router: Router) => void): Promise<TestServer> {
  const app = express();
  const router = express.Router();
  mountRoutes(router);
  app.use(router);
  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    res
      .status(500)
      .json({ error: 'internal_error', message: err instanceof Error ? err.message : String(err) });
  };
  app.use(onError);
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
