// Summarises V8 .cpuprofile files (node --cpu-prof) by area of code, counting only samples taken inside
// a time window (the measured run, not start-up). V8 stamps samples with the monotonic clock in µs,
// the same clock as process.hrtime here, so windows can be taken in this process.
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Order matters: the first matching pattern names the area. */
const AREAS: [string, RegExp][] = [
  ['PGlite (WASM Postgres)', /@electric-sql\/pglite/],
  ['OpenTelemetry', /@opentelemetry\//],
  [
    'express + body parsing',
    /node_modules\/(express|router|body-parser|raw-body|iconv-lite|type-is|on-finished|finalhandler|send|qs|path-to-regexp)\//,
  ],
  ['pino (logs)', /node_modules\/(pino|sonic-boom|fast-redact|thread-stream)/],
  ['zod (validation)', /node_modules\/zod\//],
  ['prom-client', /node_modules\/prom-client\//],
  ['cockatiel (resilience)', /node_modules\/cockatiel\//],
  ['undici / fetch (client)', /(node:internal\/deps\/undici|node_modules\/undici)/],
  ['other node_modules', /node_modules\//],
  ['service kit', /\/services\/kit\//],
  ['service code', /\/services\//],
  ['node internals (http, net, streams)', /^node:/],
];

function area(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (!url) {
    if (functionName === '(garbage collector)') return 'garbage collection';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'V8/native (program)';
    if (/^wasm-function|^\$/.test(functionName)) return 'PGlite (WASM Postgres)';
    return 'V8/native (program)';
  }
  if (url.startsWith('wasm://')) return 'PGlite (WASM Postgres)';
  for (const [name, pattern] of AREAS) if (pattern.test(url)) return name;
  return 'other';
}

/** Milliseconds of samples per area inside [fromUs, toUs] (monotonic µs), idle excluded. */
export async function profileAreas(
  file: string,
  fromUs: number,
  toUs: number,
): Promise<Record<string, number>> {
  const p = JSON.parse(await readFile(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, area(n)]));
  const out: Record<string, number> = {};
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    t += dt;
    if (t < fromUs || t > toUs) continue;
    const a = byId.get(p.samples[i] as number) ?? 'other';
    if (a === 'idle') continue;
    // A sample stands for the interval until the next one.
    const next = p.timeDeltas[i + 1] ?? dt;
    out[a] = (out[a] ?? 0) + next / 1000;
  }
  return out;
}
