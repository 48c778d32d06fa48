// prom-client metrics created from the catalog's definitions, so a metric's name, help and labels are
// written once (catalog/metrics.ts). Every series carries app and version labels.
import client from 'prom-client';
import { METRICS, type LabelsOf, type MetricKey } from '../../catalog/index.ts';

type Labels<K extends MetricKey> = Partial<Record<LabelsOf<K>, string | number>>;

export interface CounterOf<K extends MetricKey> {
  inc(labels?: Labels<K>, value?: number): void;
}
export interface GaugeOf<K extends MetricKey> {
  set(labels: Labels<K>, value: number): void;
  inc(labels?: Labels<K>, value?: number): void;
  dec(labels?: Labels<K>, value?: number): void;
}
export interface HistogramOf<K extends MetricKey> {
  observe(labels: Labels<K>, seconds: number): void;
  /** The series of these labels, bound: observing it skips hashing the labels (hot paths). */
  labels(labels: Labels<K>): { observe(seconds: number): void };
}

export class Metrics {
  readonly registry: client.Registry;
  private readonly created = new Map<MetricKey, client.Metric>();

  constructor(app: string, version: string) {
    this.registry = new client.Registry();
    this.registry.setDefaultLabels({ app, version });
    client.collectDefaultMetrics({ register: this.registry });
  }

  private get<K extends MetricKey>(key: K): client.Metric {
    let metric = this.created.get(key);
    if (!metric) {
      const d = METRICS[key];
      const common = { name: d.name, help: d.help, labelNames: [...d.labels], registers: [this.registry] };
      metric =
        d.type === 'counter'
          ? new client.Counter(common)
          : d.type === 'gauge'
            ? new client.Gauge(common)
            : new client.Histogram({
                ...common,
                buckets: [...(d.buckets ?? client.linearBuckets(0.1, 0.1, 10))],
              });
      this.created.set(key, metric);
    }
    return metric;
  }

  counter<K extends MetricKey>(key: K): CounterOf<K> {
    return this.get(key) as unknown as CounterOf<K>;
  }
  gauge<K extends MetricKey>(key: K): GaugeOf<K> {
    return this.get(key) as unknown as GaugeOf<K>;
  }
  histogram<K extends MetricKey>(key: K): HistogramOf<K> {
    return this.get(key) as unknown as HistogramOf<K>;
  }
}
