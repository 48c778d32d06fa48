// Input series for promtool unit tests, written in promtool's expanding notation
// ('0+5x3' = 0 5 10 15, '_x3' = three missing samples), from one value or increment per step.

/** Compresses one value per step (undefined = no sample) into promtool's notation. */
export function notation(values: readonly (number | undefined)[]): string {
  const tokens: string[] = [];
  let i = 0;
  while (i < values.length) {
    const v = values[i];
    if (v === undefined) {
      let n = 0;
      while (i < values.length && values[i] === undefined) {
        n++;
        i++;
      }
      tokens.push(`_x${n}`);
      continue;
    }
    const next = values[i + 1];
    const step = next === undefined ? 0 : next - v;
    let n = 0;
    while (
      values[i + n + 1] !== undefined &&
      near((values[i + n + 1] as number) - (values[i + n] as number), step)
    )
      n++;
    tokens.push(n === 0 ? fmt(v) : `${fmt(v)}+${fmt(step)}x${n}`);
    i += n + 1;
  }
  return tokens.join(' ');
}

const near = (a: number, b: number): boolean =>
  Math.abs(a - b) < 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
const fmt = (x: number): string => String(Number(x.toPrecision(12)));

/** A counter that grows by `increment(step)` each step; `present(step)` says which steps are scraped. */
export function counter(
  steps: number,
  increment: (step: number) => number,
  present: (step: number) => boolean = () => true,
): string {
  const values: (number | undefined)[] = [];
  let total = 0;
  for (let s = 0; s <= steps; s++) {
    if (s > 0) total += increment(s);
    values.push(present(s) ? total : undefined);
  }
  return notation(values);
}

/** A gauge with `value(step)` at every step. */
export function gauge(steps: number, value: (step: number) => number): string {
  return notation(Array.from({ length: steps + 1 }, (_, s) => value(s)));
}

/** Prometheus series selector text: name{a="b",...}. */
export function seriesName(name: string, labels: Readonly<Record<string, string>>): string {
  const body = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  return `${name}{${body}}`;
}
