// Child process entry: one HTTP server variant on $PORT (127.0.0.1) serving GET /bench.
//   node-http  bare node:http
//   express    bare express 5, same route
//   kit        startService(bench-service) without telemetry
//   kit-otel   the same through services/kit/bootstrap.ts: OpenTelemetry started first, exactly as a
//              service's main.ts does (endpoint and sampling from OTEL_* in the environment)
import { createServer } from 'node:http';
import { BENCH_PATH, PAYLOAD } from './payload.ts';

const variant = process.argv[2];
const port = Number(process.env.PORT);
const host = '127.0.0.1';

switch (variant) {
  case 'node-http': {
    const body = JSON.stringify(PAYLOAD);
    createServer((req, res) => {
      if (req.method === 'GET' && req.url === BENCH_PATH) {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(body);
      } else {
        res.writeHead(404).end();
      }
    }).listen(port, host);
    break;
  }
  case 'express': {
    const { default: express } = await import('express');
    const app = express();
    app.disable('x-powered-by');
    app.set('etag', false);
    app.get(BENCH_PATH, (_req, res) => {
      res.json(PAYLOAD);
    });
    app.listen(port, host);
    break;
  }
  case 'kit': {
    const { startService } = await import('../../services/kit/index.ts');
    const { default: def } = await import('./bench-service.ts');
    await startService(def);
    break;
  }
  case 'kit-otel': {
    const { bootstrap } = await import('../../services/kit/bootstrap.ts');
    await bootstrap('ml-advisor', () => import('./bench-service.ts'));
    break;
  }
  default:
    process.stderr.write(`unknown variant ${variant}; expected node-http, express, kit or kit-otel\n`);
    process.exit(2);
}
