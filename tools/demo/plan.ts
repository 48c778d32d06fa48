// What `make demo` runs: the enterprise demo document's four scenarios and the petstore customer
// journey, each one of the k6 scenarios in load/scenarios, shortened to a few seconds (LOAD_SCALE)
// at the rates it is written for (LOAD_RATE_SCALE=1). DEMO_SCALE stretches every duration.

export interface PlannedScenario {
  /** The k6 script, load/scenarios/<key>.ts. */
  readonly key: string;
  /** The document's name for it. */
  readonly name: string;
  readonly description: string;
  /** What the run should show (printed before it, stored in the report). */
  readonly expectation: string;
  /** Seconds of load at DEMO_SCALE=1. */
  readonly seconds: number;
  /** Extra k6 environment. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Default total load time is 95 s, so the whole demo (start-up, report, stop) stays under 3 minutes. */
export const DEMO_SCENARIOS: readonly PlannedScenario[] = [
  {
    key: 'baseline',
    name: 'Baseline Performance Test',
    description: 'Small orders at a steady 5/s: the reference latency of the order saga',
    expectation: 'no failures',
    seconds: 15,
  },
  {
    key: 'high-load',
    name: 'High Load Test',
    description: 'Mostly large orders (over the fraud-check threshold) at 12/s',
    expectation: 'payment is the bottleneck: large orders pay the 500-1500 ms fraud check',
    seconds: 20,
    // 10 large + 2 small orders per second: the document's "large orders triggering payment delays".
    env: { HIGH_LOAD_LARGE_SHARE: '0.8' },
  },
  {
    key: 'errors',
    name: 'Error Scenario Test',
    description: '10 orders/s, 15 % of them declined by the payment service (injected fault)',
    expectation: 'about 15 % failed orders, every one compensated, no server errors',
    seconds: 20,
  },
  {
    key: 'mixed',
    name: 'Mixed Workload Test',
    description: 'Buyers (30 % large, 5 % declined), stock browsers and order trackers at once',
    expectation: 'some declines and fraud-check delays, reads stay fast',
    seconds: 20,
  },
  {
    key: 'journey',
    name: 'Customer Journey',
    description: 'The storefront journey (recommendations to tracking) through all five services',
    expectation: 'every journey completes as intended; checkout is the slow step',
    seconds: 20,
  },
];

export function parseDemoScale(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 1;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale < 0.05 || scale > 20)
    throw new Error(`DEMO_SCALE must be a number from 0.05 to 20, got "${raw}"`);
  return scale;
}

/** Picks scenarios by key (DEMO_SCENARIOS=baseline,errors); all of them when empty. */
export function selectScenarios(raw: string | undefined): PlannedScenario[] {
  const keys = (raw ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  if (keys.length === 0) return [...DEMO_SCENARIOS];
  const unknown = keys.filter((k) => !DEMO_SCENARIOS.some((s) => s.key === k));
  if (unknown.length > 0)
    throw new Error(
      `DEMO_SCENARIOS: unknown ${unknown.join(', ')}; choose from ${DEMO_SCENARIOS.map((s) => s.key).join(', ')}`,
    );
  return DEMO_SCENARIOS.filter((s) => keys.includes(s.key));
}

/** Parses a k6 duration such as "2m0s", "5m0s", "45s" or "1h2m3.5s" into seconds. */
export function parseK6Duration(text: string): number {
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s)/g;
  let seconds = 0;
  let matched = '';
  for (const m of text.matchAll(re)) {
    const n = Number(m[1]);
    seconds += m[2] === 'h' ? n * 3600 : m[2] === 'm' ? n * 60 : m[2] === 's' ? n : n / 1000;
    matched += m[0];
  }
  if (matched !== text || matched === '') throw new Error(`not a k6 duration: "${text}"`);
  return seconds;
}

/** The part of `k6 inspect` output the demo reads. */
export interface Inspected {
  scenarios?: Record<
    string,
    { startTime?: string | null; duration?: string | null; rate?: number | null; timeUnit?: string | null }
  > | null;
}

/** Iterations started per second over all arrival-rate scenarios. */
export function startsPerSecond(inspected: Inspected): number {
  return Object.values(inspected.scenarios ?? {}).reduce(
    (sum, s) => sum + (s.rate ?? 0) / parseK6Duration(s.timeUnit ?? '1s'),
    0,
  );
}

/** The longest (startTime + duration) over a script's scenarios, from `k6 inspect` output. */
export function fullLengthSeconds(inspected: Inspected): number {
  const lengths = Object.values(inspected.scenarios ?? {}).map(
    (s) => parseK6Duration(s.startTime ?? '0s') + parseK6Duration(s.duration ?? '0s'),
  );
  if (lengths.length === 0 || Math.max(...lengths) <= 0)
    throw new Error('k6 inspect shows no scenario with a duration');
  return Math.max(...lengths);
}
