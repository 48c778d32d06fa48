// One factor shrinks a scenario for a smoke run (LOAD_SCALE=0.01: minutes become seconds) or stretches
// it. Durations and rates scale together; floors keep a smoke run meaningful: at least one second per
// stage and a few requests per second, so every check and threshold still sees traffic.

/** Rates never scale below this many iterations per second (or below the unscaled rate if smaller). */
export const MIN_SCALED_RATE = 5;
/** Durations never scale below one second. */
export const MIN_SCALED_SECONDS = 1;
/** Default cap on VUs per scenario: about 0.7 MB each, so a k6 pod stays under half a GB. */
export const DEFAULT_MAX_VUS = 600;

export interface Scaler {
  readonly factor: number;
  /** Factor for arrival rates (LOAD_RATE_SCALE; defaults to `factor`). */
  readonly rateFactor: number;
  /** Seconds -> k6 duration string, e.g. 60 -> '60s' (or '3s' at factor 0.05). */
  duration(seconds: number): string;
  /** Scaled duration in seconds (what `duration` renders). */
  seconds(seconds: number): number;
  /** Iterations per second, scaled with a floor. */
  rate(perSecond: number): number;
  /** Virtual users for an arrival rate: Little's law with headroom, at least 2, at most the cap. */
  vusFor(perSecond: number, expectedLatencySeconds: number): number;
  /**
   * preAllocatedVUs and maxVUs for an arrival-rate executor: enough pre-allocated VUs for the
   * expected latency (k6 drops iterations while it initialises more), room for four times that.
   */
  arrivalVus(perSecond: number, expectedLatencySeconds: number): { preAllocatedVUs: number; maxVUs: number };
}

export function parseScale(raw: string | undefined, name = 'LOAD_SCALE'): number {
  if (raw === undefined || raw.trim() === '') return 1;
  const factor = Number(raw);
  if (!Number.isFinite(factor) || factor <= 0 || factor > 100) {
    throw new Error(`${name} must be a number in (0, 100], got "${raw}"`);
  }
  return factor;
}

export function parseMaxVus(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_MAX_VUS;
  const cap = Number(raw);
  if (!Number.isInteger(cap) || cap < 2)
    throw new Error(`LOAD_MAX_VUS must be an integer >= 2, got "${raw}"`);
  return cap;
}

/**
 * `rateFactor` scales arrival rates apart from durations: `make demo` shortens every scenario
 * (LOAD_SCALE) but keeps its rates as written (LOAD_RATE_SCALE=1).
 */
export function scaler(
  factor: number,
  maxVus: number = DEFAULT_MAX_VUS,
  rateFactor: number = factor,
): Scaler {
  const seconds = (s: number): number => Math.max(MIN_SCALED_SECONDS, Math.round(s * factor));
  const rate = (r: number): number => Math.max(Math.min(r, MIN_SCALED_RATE), Math.round(r * rateFactor));
  // Twice the in-flight estimate absorbs latency spikes before k6 starts dropping iterations.
  // Past the cap k6 drops iterations instead (counted in dropped_iterations).
  const vusFor = (r: number, latency: number): number =>
    Math.min(maxVus, Math.max(2, Math.ceil(r * latency * 2)));
  return {
    factor,
    rateFactor,
    seconds,
    duration: (s) => `${seconds(s)}s`,
    rate,
    vusFor,
    arrivalVus: (r, latency) => ({ preAllocatedVUs: vusFor(r, latency), maxVUs: vusFor(r, latency * 4) }),
  };
}
