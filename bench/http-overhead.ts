// 1. HTTP overhead of the service kit: one JSON GET route, the same autocannon load against five
// servers, each in its own process. Variants are measured interleaved (round 1: all, round 2: all,
// ...) so drift in the shared machine's load hits every variant alike; the ratio to bare express is
// taken within each round, then the median over rounds is reported.
import { join } from 'node:path';
import { freePorts } from '../test/support/ports.ts';
import { load, type LoadResult } from './lib/load.ts';
import { rssMiB, startNode, waitFor, type Child } from './lib/proc.ts';
import { median, round, table } from './lib/stats.ts';
import { BENCH_PATH } from './http/payload.ts';

export interface HttpOptions {
  warmupSeconds: number;
  seconds: number;
  rounds: number;
  connections: number;
}

interface Variant {
  name: string;
  entry: 'node-http' | 'express' | 'kit' | 'kit-otel';
  sampling?: number;
}

const VARIANTS: readonly Variant[] = [
  { name: 'node:http', entry: 'node-http' },
  { name: 'express 5', entry: 'express' },
  { name: 'kit, no telemetry', entry: 'kit' },
  { name: 'kit + OTel, sampling 1.0', entry: 'kit-otel', sampling: 1 },
  { name: 'kit + OTel, sampling 0.1', entry: 'kit-otel', sampling: 0.1 },
];
const BASELINE = 'express 5';

export interface HttpVariantResult {
  name: string;
  reqPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Median over rounds of (this variant's req/s / express's req/s in the same round). */
  ratioToExpress: number;
  rssIdleMiB: number;
  rssAfterMiB: number;
  otlpExports?: { requests: number; bytes: number };
  rounds: Pick<LoadResult, 'rps' | 'p50Ms' | 'p99Ms' | 'non2xx' | 'errors' | 'timeouts'>[];
}

const HERE = import.meta.dirname;

async function sinkStats(url: string): Promise<{ requests: number; bytes: number }> {
  return (await (await fetch(`${url}/stats`)).json()) as { requests: number; bytes: number };
}

export async function runHttpOverhead(opts: HttpOptions): Promise<HttpVariantResult[]> {
  const ports = await freePorts(VARIANTS.length + 1);
  const sinkPort = ports[VARIANTS.length] as number;
  const sinkUrl = `http://127.0.0.1:${sinkPort}`;
  const started: Child[] = [];
  try {
    const sink = startNode(join(HERE, 'http/otlp-sink.ts'), [], { ...process.env, PORT: String(sinkPort) });
    started.push(sink);
    await waitFor(`${sinkUrl}/stats`, sink);

    const servers = [];
    for (const [i, v] of VARIANTS.entries()) {
      const url = `http://127.0.0.1:${ports[i]}${BENCH_PATH}`;
      const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(ports[i]), HOST: '127.0.0.1' };
      delete env.OTEL_EXPORTER_OTLP_ENDPOINT;
      if (v.sampling !== undefined) {
        env.OTEL_EXPORTER_OTLP_ENDPOINT = sinkUrl;
        env.OTEL_TRACES_SAMPLER_ARG = String(v.sampling);
      }
      const child = startNode(join(HERE, 'http/server.ts'), [v.entry], env);
      started.push(child);
      await waitFor(url, child);
      servers.push({ variant: v, url, child, rssIdleMiB: rssMiB(child.pid) });
    }

    process.stdout.write(`http: warming up ${servers.length} servers (${opts.warmupSeconds} s each)\n`);
    for (const s of servers) {
      await load({ url: s.url, connections: opts.connections, duration: opts.warmupSeconds });
    }

    const runs = new Map<string, LoadResult[]>(servers.map((s) => [s.variant.name, []]));
    const exports = new Map<string, { requests: number; bytes: number }>();
    for (let r = 1; r <= opts.rounds; r++) {
      for (const s of servers) {
        const before = await sinkStats(sinkUrl);
        const result = await load({ url: s.url, connections: opts.connections, duration: opts.seconds });
        const after = await sinkStats(sinkUrl);
        runs.get(s.variant.name)?.push(result);
        if (s.variant.sampling !== undefined) {
          const e = exports.get(s.variant.name) ?? { requests: 0, bytes: 0 };
          e.requests += after.requests - before.requests;
          e.bytes += after.bytes - before.bytes;
          exports.set(s.variant.name, e);
        }
        process.stdout.write(
          `http: round ${r}/${opts.rounds} ${s.variant.name.padEnd(26)} ${Math.round(result.rps)} req/s` +
            (result.errors + result.non2xx ? ` (${result.errors} errors, ${result.non2xx} non-2xx)` : '') +
            '\n',
        );
      }
    }

    const baseline = runs.get(BASELINE) ?? [];
    return servers.map((s) => {
      const rs = runs.get(s.variant.name) ?? [];
      const e = exports.get(s.variant.name);
      return {
        name: s.variant.name,
        reqPerSecond: round(median(rs.map((x) => x.rps))),
        p50Ms: median(rs.map((x) => x.p50Ms)),
        p99Ms: median(rs.map((x) => x.p99Ms)),
        ratioToExpress: round(median(rs.map((x, i) => x.rps / (baseline[i]?.rps ?? Number.NaN))), 3),
        rssIdleMiB: round(s.rssIdleMiB, 1),
        rssAfterMiB: round(rssMiB(s.child.pid), 1),
        ...(e ? { otlpExports: e } : {}),
        rounds: rs.map(({ rps, p50Ms, p99Ms, non2xx, errors, timeouts }) => ({
          rps: round(rps),
          p50Ms,
          p99Ms,
          non2xx,
          errors,
          timeouts,
        })),
      };
    });
  } finally {
    await Promise.all(started.map((c) => c.stop()));
  }
}

export function httpTable(results: HttpVariantResult[]): string {
  return table(
    ['variant', 'req/s', 'x express', 'p50 ms', 'p99 ms', 'RSS idle MiB', 'RSS after MiB', 'OTLP KiB'],
    results.map((r) => [
      r.name,
      r.reqPerSecond,
      r.ratioToExpress,
      r.p50Ms,
      r.p99Ms,
      r.rssIdleMiB,
      r.rssAfterMiB,
      r.otlpExports ? r.otlpExports.bytes / 1024 : '',
    ]),
  );
}
