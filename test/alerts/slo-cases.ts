// promtool cases for the burn-rate alerts. Each story is a share of bad requests over time, in
// multiples of the SLO's error budget b (0.1 % for availability, 5 % for latency), ending at the
// evaluation time T. Windows: 5m 30m 1h 2h 6h 1d 3d; pairs P1 = 1h&5m > 14.4b, P2 = 6h&30m > 6b,
// P3 = 1d&2h > 3b, P4 = 3d&6h > 1b. The ratio over a window is multiple x overlap / window.
//
// Every service runs two lanes at once (availability: 5xx share; latency: share slower than its
// objective), so one test group checks ten independent stories. A group covers 3 d 7 h: one sample
// an hour (counters stay exact, so long windows do too), then one a minute for the last 3 h.
// promtool evaluates every rule at every evaluation step from time 0 (~15 ms a step here), which is
// what costs: rules are evaluated every hour, and each group is its own file, so `make alerts-test`
// runs them in parallel. Stories that fire last long enough for that: each alert's condition already
// holds one evaluation before T (the `for` of every pair is at most 3 h).
import {
  BURN_RATE_ALERTS,
  errorBudget,
  NAMESPACE,
  objective,
  SERVICE_NAMES,
  type BurnRateAlert,
  type ServiceName,
  type SloKind,
} from '../../catalog/index.ts';
import { HTTP_BUCKETS, HTTP_REQUESTS, le } from '../../alerts/promql.ts';
import type { InputSeries, Labels, PromtoolFile, PromtoolGroup } from './model.ts';
import { counter, seriesName } from './series.ts';

/** A story: bad share = multiple x b inside [from, to) minutes before T, 0 elsewhere. */
interface Story {
  readonly name: string;
  readonly phases: readonly { readonly from: number; readonly to: number; readonly multiple: number }[];
  /** Long windows of the pairs that fire at T. */
  readonly fires: readonly string[];
}

const H = 60;
const D = 24 * H;
export const STORIES = {
  healthy: { name: 'no bad requests', phases: [], fires: [] },
  p1: { name: 'P1 fires: 16b for 2h', phases: [{ from: 0, to: 2 * H, multiple: 16 }], fires: ['1h'] },
  p1LongOnly: {
    name: 'P1 long window only: 18b that ended 6m ago',
    phases: [{ from: 6, to: 65, multiple: 18 }],
    fires: [],
  },
  p1ShortOnly: {
    name: 'P1 short window only: 18b for 5m',
    phases: [{ from: 0, to: 5, multiple: 18 }],
    fires: [],
  },
  p2: { name: 'P2 fires: 7b for 7h', phases: [{ from: 0, to: 7 * H, multiple: 7 }], fires: ['6h'] },
  p2LongOnly: {
    name: 'P2 long window only: 8b that ended 40m ago',
    phases: [{ from: 40, to: 400, multiple: 8 }],
    fires: [],
  },
  p2ShortOnly: {
    name: 'P2 short window only: 7b for 30m',
    phases: [{ from: 0, to: 30, multiple: 7 }],
    fires: [],
  },
  // A 1d window over 3b also keeps the 3d window over 1b: P4 fires with P3, necessarily.
  p3: {
    name: 'P3 fires (and P4 with it): 4b for 1d',
    phases: [{ from: 0, to: D, multiple: 4 }],
    fires: ['1d', '3d'],
  },
  p3LongOnly: {
    name: 'P3 long window only: 4b for 1d that ended 2h ago (P4 still sees it)',
    phases: [{ from: 2 * H, to: D + 2 * H, multiple: 4 }],
    fires: ['3d'],
  },
  p3ShortOnly: {
    name: 'P3 short window only: 4b for 2h',
    phases: [{ from: 0, to: 2 * H, multiple: 4 }],
    fires: [],
  },
  p4: { name: 'P4 fires: 1.5b for 3d', phases: [{ from: 0, to: 3 * D, multiple: 1.5 }], fires: ['3d'] },
  p4LongOnly: {
    name: 'P4 long window only: 1.5b for 3d that ended 6h ago',
    phases: [{ from: 6 * H, to: 3 * D + 6 * H, multiple: 1.5 }],
    fires: [],
  },
  p4ShortOnly: {
    name: 'P4 short window only: 1.5b for 6h',
    phases: [{ from: 0, to: 6 * H, multiple: 1.5 }],
    fires: [],
  },
} as const satisfies Record<string, Story>;
type StoryName = keyof typeof STORIES;

/** Evaluation time (minutes): room for the longest story (3d 6h) and a healthy start. */
export const T = 3 * D + 7 * H;
const DENSE = 3 * H;
const R = 1000;
const present = (step: number): boolean => step >= T - DENSE || step % H === 0;

function badShare(story: Story, budget: number): (step: number) => number {
  return (step) => {
    const ago = T - step; // the increment of `step` covers (step-1, step]: `ago` in [0, T)
    const phase = story.phases.find((p) => ago >= p.from && ago < p.to);
    return phase ? phase.multiple * budget : 0;
  };
}

/** The series of one service carrying an availability story and a latency story at once. */
function serviceSeries(service: ServiceName, availability: Story, latency: Story): InputSeries[] {
  const errors = badShare(availability, errorBudget(objective(service, 'availability')));
  const latencyObjective = objective(service, 'latency');
  const slow = badShare(latency, errorBudget(latencyObjective));
  const labels = {
    namespace: NAMESPACE,
    service,
    job: service,
    pod: `${service}-7d4b9c-x1`,
    route: '/things',
  };
  const fast = le((latencyObjective.thresholdMs as number) / 1000);
  const series = (name: string, extra: Labels, perStep: (s: number) => number): InputSeries => ({
    series: seriesName(name, { ...labels, ...extra }),
    values: counter(T, perStep, present),
  });
  return [
    series(HTTP_REQUESTS, { status_code: '200' }, (s) => R * (1 - errors(s))),
    series(HTTP_REQUESTS, { status_code: '500' }, (s) => R * errors(s)),
    // Slow requests are taken from the successful ones: the two stories stay independent.
    series(HTTP_BUCKETS, { status_code: '200', le: fast }, (s) => R * (1 - errors(s) - slow(s))),
    series(HTTP_BUCKETS, { status_code: '500', le: fast }, (s) => R * errors(s)),
  ];
}

function burnLabels(service: ServiceName, slo: SloKind, b: BurnRateAlert): Labels {
  return {
    namespace: NAMESPACE,
    service,
    slo,
    severity: b.severity,
    long_window: b.long,
    short_window: b.short,
  };
}

/** One group: lanes[service] = [availability story, latency story]. */
function group(
  name: string,
  lanes: Readonly<Record<ServiceName, readonly [StoryName, StoryName]>>,
): PromtoolGroup {
  const firing = SERVICE_NAMES.flatMap((service) =>
    (['availability', 'latency'] as const).flatMap((slo, i) =>
      BURN_RATE_ALERTS.filter((b) =>
        (STORIES[lanes[service][i] as StoryName].fires as readonly string[]).includes(b.long),
      ).map((b) => burnLabels(service, slo, b)),
    ),
  );
  const lines = SERVICE_NAMES.map((s) => `${s}: ${lanes[s][0]} / ${lanes[s][1]}`);
  return {
    name: `ErrorBudgetBurn ${name} (${lines.join('; ')})`,
    series: SERVICE_NAMES.flatMap((s) => serviceSeries(s, STORIES[lanes[s][0]], STORIES[lanes[s][1]])),
    checks: [{ at: T, alertname: 'ErrorBudgetBurn', firing }],
  };
}

const every = (story: StoryName) =>
  Object.fromEntries(SERVICE_NAMES.map((s) => [s, [story, story]])) as Record<
    ServiceName,
    [StoryName, StoryName]
  >;

const file = (name: string, g: PromtoolGroup, evaluationMinutes = 60): PromtoolFile => ({
  name: `slo-${name}`,
  ruleFiles: ['petstore-slo'],
  evaluationMinutes,
  groups: [g],
});

/** Every burn-rate rule fires somewhere (P4 with P3), and each pair is seen silent with one window. */
export const SLO_ALERT_TESTS: readonly PromtoolFile[] = [
  file('p1', group('P1 for every service and SLO', every('p1'))),
  file('p2', group('P2 for every service and SLO', every('p2'))),
  file('p3-p4', group('P3 (with P4) for every service and SLO', every('p3'))),
  file(
    'windows-fast',
    group('needs both windows, fast pairs', {
      petstore: ['p1LongOnly', 'p1ShortOnly'],
      order: ['p1ShortOnly', 'p2LongOnly'],
      payment: ['p2LongOnly', 'p2ShortOnly'],
      inventory: ['p2ShortOnly', 'p1LongOnly'],
      'ml-advisor': ['p4', 'healthy'],
    }),
  ),
  file(
    'windows-slow',
    group('needs both windows, slow pairs', {
      petstore: ['p3LongOnly', 'p3ShortOnly'],
      order: ['p3ShortOnly', 'p4LongOnly'],
      payment: ['p4LongOnly', 'p4ShortOnly'],
      inventory: ['p4ShortOnly', 'p3LongOnly'],
      'ml-advisor': ['healthy', 'p4'],
    }),
  ),
];
