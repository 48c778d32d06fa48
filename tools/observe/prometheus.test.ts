// The Prometheus helper against a real ./bin/prometheus: two "petstore" versions on two ports (what
// the canary demo scrapes), the ServiceMonitor's target labels, instant and range queries, rule files,
// errors for bad PromQL, and a clean stop.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from '../../test/support/ports.ts';
import {
  PrometheusQueryError,
  prometheusConfig,
  startPrometheus,
  targetLabels,
  type RunningPrometheus,
} from './prometheus.ts';

/** A /metrics endpoint with one counter that grows by `perScrape` every time it is read. */
function metricsServer(version: string, perScrape: number): Server {
  let count = 0;
  return createServer((req, res) => {
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    count += perScrape;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(
      `# TYPE demo_requests_total counter\ndemo_requests_total{app="petstore",version="${version}"} ${count}\n`,
    );
  });
}

describe('targetLabels', () => {
  it('gives a local target the labels of the ServiceMonitor target in the cluster', () => {
    expect(targetLabels({ service: 'order', url: 'http://127.0.0.1:8001' })).toEqual({
      job: 'order',
      namespace: 'petstore',
      service: 'order',
      pod: 'order-local-8001',
      endpoint: 'http-metrics',
    });
    expect(
      targetLabels({ service: 'petstore', url: 'http://127.0.0.1:9100', pod: 'petstore-canary-1' }).pod,
    ).toBe('petstore-canary-1');
  });

  it('puts every target of one service under one scrape job', () => {
    const config = prometheusConfig({
      targets: [
        { service: 'petstore', url: 'http://127.0.0.1:8000' },
        { service: 'petstore', url: 'http://127.0.0.1:8100' },
        { service: 'order', url: 'http://127.0.0.1:8001' },
      ],
      intervalSeconds: 2,
    }) as {
      global: { scrape_interval: string };
      scrape_configs: { job_name: string; static_configs: unknown[] }[];
    };
    expect(config.global.scrape_interval).toBe('2s');
    expect(config.scrape_configs.map((c) => [c.job_name, c.static_configs.length])).toEqual([
      ['petstore', 2],
      ['order', 1],
    ]);
  });
});

describe('startPrometheus', () => {
  const servers = [metricsServer('1.0.0', 1), metricsServer('1.1.0', 3)];
  let prom: RunningPrometheus;
  let ports: number[];
  let dir: string;

  beforeAll(async () => {
    ports = await freePorts(3);
    await Promise.all(servers.map((s, i) => new Promise<void>((r) => s.listen(ports[i], '127.0.0.1', r))));
    dir = await mkdtemp(join(tmpdir(), 'mmf-prom-test-'));
    const rules = join(dir, 'rules.yaml');
    await writeFile(
      rules,
      JSON.stringify({
        groups: [
          {
            name: 'demo',
            rules: [
              {
                record: 'version:demo_requests:idelta',
                expr: 'sum by (version) (idelta(demo_requests_total[5s]))',
              },
            ],
          },
        ],
      }),
    );
    prom = await startPrometheus({
      port: ports[2],
      targets: [
        { service: 'petstore', url: `http://127.0.0.1:${ports[0]}` },
        { service: 'petstore', url: `http://127.0.0.1:${ports[1]}`, pod: 'petstore-canary' },
      ],
      ruleFiles: [rules],
    });
  }, 60_000);

  afterAll(async () => {
    await prom?.stop();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    await rm(dir, { recursive: true, force: true });
  });

  it('waits until both targets are up, with the ServiceMonitor labels', async () => {
    const targets = await prom.targets();
    expect(targets.map((t) => t.health)).toEqual(['up', 'up']);
    const up = await prom.query('up');
    expect(up.map((s) => s.labels.pod).sort()).toEqual(['petstore-canary', `petstore-local-${ports[0]}`]);
    for (const s of up) {
      expect(s.labels).toMatchObject({ job: 'petstore', namespace: 'petstore', service: 'petstore' });
      expect(s.value).toBe(1);
    }
  });

  it('answers instant and range queries per version', async () => {
    await prom.waitForRuleEvaluation(Date.now() + 3000);
    // Growth between the last two scrapes: the canary's counter grows three times as fast.
    const deltas = await prom.query('version:demo_requests:idelta');
    expect(Object.fromEntries(deltas.map((s) => [s.labels.version, s.value]))).toEqual({
      '1.0.0': 1,
      '1.1.0': 3,
    });

    const now = Math.floor(Date.now() / 1000);
    const series = await prom.queryRange('sum by (version) (demo_requests_total)', now - 4, now, 1);
    expect(series).toHaveLength(2);
    for (const s of series) expect(s.values.length).toBeGreaterThanOrEqual(3);
    expect((await prom.query('scalar(count(up))'))[0]?.value).toBe(2);
    expect(await prom.query('demo_requests_total{version="9.9.9"}')).toEqual([]);
  });

  it('reports the rules it evaluates', async () => {
    const [rule] = await prom.rules();
    expect(rule).toMatchObject({ group: 'demo', name: 'version:demo_requests:idelta', health: 'ok' });
  });

  it('rejects bad PromQL with the parser message', async () => {
    const error = await prom.query('sum(rate(demo_requests_total[1m])').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrometheusQueryError);
    expect((error as Error).message).toMatch(/bad_data: .*unclosed left parenthesis/);
  });

  it('stops and removes its temporary data directory', async () => {
    const { dataDir } = prom;
    expect(existsSync(dataDir)).toBe(true);
    await prom.stop();
    expect(existsSync(dataDir)).toBe(false);
    await expect(fetch(`${prom.url}/-/ready`)).rejects.toThrow();
  });
});

it('fails with the reason when a target never comes up', async () => {
  const [port, dead] = await freePorts(2);
  await expect(
    startPrometheus({
      port,
      targets: [{ service: 'order', url: `http://127.0.0.1:${dead}` }],
      readyTimeoutMs: 8000,
    }),
  ).rejects.toThrow(
    /not targets up after 8000 ms: http:\/\/127.0.0.1:\d+\/metrics down .*connection refused/,
  );
});
