// Child process entry: a throwaway OTLP/HTTP sink on $PORT. It reads every export request in full and
// answers 200, so the exporter does its real work (encode, send) while nothing is kept.
// GET /stats reports how many export requests and bytes arrived.
import { createServer } from 'node:http';

let requests = 0;
let bytes = 0;

createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ requests, bytes }));
    return;
  }
  req.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  req.on('end', () => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
