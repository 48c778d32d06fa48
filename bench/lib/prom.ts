// Reads histogram _sum/_count series from a Prometheus text exposition, so a run can be measured as
// the difference between two scrapes.

export interface Series {
  labels: Record<string, string>;
  sum: number;
  count: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Sum and count per label set (without `le`) of one histogram. */
export function histogramSums(text: string, name: string): Series[] {
  const byKey = new Map<string, Series>();
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const [, metric, rawLabels = '', value] = m;
    const field = metric === `${name}_sum` ? 'sum' : metric === `${name}_count` ? 'count' : undefined;
    if (!field) continue;
    const labels: Record<string, string> = {};
    for (const [, k, v] of rawLabels.matchAll(LABEL)) labels[k as string] = v as string;
    const key = JSON.stringify(labels);
    const s = byKey.get(key) ?? { labels, sum: 0, count: 0 };
    s[field] = Number(value);
    byKey.set(key, s);
  }
  return [...byKey.values()];
}

/** after - before, per label set, summed over the labels not in `keep`. */
export function delta(before: Series[], after: Series[], keep: readonly string[]): Series[] {
  const key = (s: Series) => JSON.stringify(keep.map((k) => s.labels[k] ?? ''));
  const out = new Map<string, Series>();
  const add = (s: Series, sign: number) => {
    const k = key(s);
    const o = out.get(k) ?? {
      labels: Object.fromEntries(keep.map((l) => [l, s.labels[l] ?? ''])),
      sum: 0,
      count: 0,
    };
    o.sum += sign * s.sum;
    o.count += sign * s.count;
    out.set(k, o);
  };
  for (const s of after) add(s, 1);
  for (const s of before) add(s, -1);
  return [...out.values()].filter((s) => s.count > 0);
}
