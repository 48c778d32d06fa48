// The promotion loop, the same for the cluster, the local demo and the simulation: only the backends
// differ (where weights are set, where counters come from, how time passes).
//
// For each step: set the canary weight, then every interval read the counters, add what each version
// served to the step's window and ask the judge (per view: the services' metrics, Istio's; the most
// severe decision wins). hold = the window grows by another interval; promote = next step (at the
// last step: a fresh window, until the soak has passed); rollback = 0 % canary; halt = back to the
// weight the promotion started from. Any failure to read or write is a halt, never a pass.
import { addWindows, served, type Snapshot } from './counters.ts';
import { judge, type Decision, type Judgement, type Trigger, type VersionSummary } from './judge.ts';
import type { JudgeInput, VersionWindow } from './judge.ts';
import type { Plan } from './plan.ts';

export interface WeightsBackend {
  /** The canary's current share of traffic, percent. */
  read(): Promise<number>;
  write(canaryWeight: number): Promise<void>;
}

export interface MetricsBackend {
  snapshot(): Promise<Snapshot>;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export type Verdict = 'promoted' | 'rolled_back' | 'halted';

export interface StepRecord {
  readonly weight: number;
  readonly decision: Decision;
  readonly reason: string;
  readonly trigger?: Trigger;
  /** The view whose judgement decided. */
  readonly source: string;
  readonly intervals: number;
  /** Since the promotion started. */
  readonly atMs: number;
  readonly stable?: VersionSummary;
  readonly canary?: VersionSummary;
}

export interface PromotionResult {
  readonly verdict: Verdict;
  readonly reason: string;
  readonly trigger?: Trigger;
  readonly startWeight: number;
  readonly finalWeight: number;
  /** Intervals waited in total. */
  readonly intervals: number;
  readonly durationMs: number;
  readonly steps: readonly StepRecord[];
}

export type ProgressEvent =
  | { readonly type: 'weight'; readonly from: number; readonly to: number }
  | { readonly type: 'judged'; readonly record: StepRecord };

export interface PromotionDeps {
  readonly weights: WeightsBackend;
  readonly metrics: MetricsBackend;
  readonly clock: Clock;
  readonly onProgress?: (event: ProgressEvent) => void;
}

const SEVERITY: Readonly<Record<Decision, number>> = { promote: 0, hold: 1, halt: 2, rollback: 3 };

type Windows = Record<string, { stable: VersionWindow | undefined; canary: VersionWindow | undefined }>;

function accumulate(windows: Windows, before: Snapshot, after: Snapshot): Windows {
  const next: Windows = {};
  for (const [source, view] of Object.entries(after)) {
    const previous = before[source];
    next[source] = {
      stable: addWindows(windows[source]?.stable, served(previous?.stable, view.stable)),
      canary: addWindows(windows[source]?.canary, served(previous?.canary, view.canary)),
    };
  }
  return next;
}

/** Judges every view; the most severe judgement decides (the first view on a tie). */
function judgeViews(
  windows: Windows,
  input: Omit<JudgeInput, 'stable' | 'canary'>,
  plan: Plan,
): [string, Judgement] {
  const judged = Object.entries(windows).map(
    ([source, w]) => [source, judge({ ...input, stable: w.stable, canary: w.canary }, plan.policy)] as const,
  );
  const [first, ...rest] = judged;
  if (!first) throw new Error('the metrics backend returned no view of the canary');
  return rest.reduce<[string, Judgement]>(
    (worst, j) => (SEVERITY[j[1].decision] > SEVERITY[worst[1].decision] ? [j[0], j[1]] : worst),
    [first[0], first[1]],
  );
}

/** One promotion under way: what every step reads and records. */
interface Run {
  readonly plan: Plan;
  readonly deps: PromotionDeps;
  readonly emit: (event: ProgressEvent) => void;
  readonly started: number;
  readonly steps: StepRecord[];
  intervalsTotal: number;
}

/** Windows at one weight until a decision other than hold (at the last step: until the soak passed). */
async function runStep(run: Run, weight: number, next: number | undefined): Promise<StepRecord> {
  const {
    plan,
    deps: { metrics, clock },
    emit,
    started,
    steps,
  } = run;
  const last = next === undefined;
  const lastComparison = next === 100 && weight < 100;
  const stepStarted = clock.now();
  let before = await metrics.snapshot();
  let windows: Windows = {};
  let intervals = 0;
  for (;;) {
    await clock.sleep(plan.intervalMs);
    const after = await metrics.snapshot();
    windows = accumulate(windows, before, after);
    before = after;
    intervals++;
    run.intervalsTotal++;
    const [source, j] = judgeViews(windows, { weight, intervals, lastComparison }, plan);
    const record: StepRecord = {
      weight,
      decision: j.decision,
      reason: j.reason,
      ...(j.trigger ? { trigger: j.trigger } : {}),
      source,
      intervals,
      atMs: clock.now() - started,
      ...(j.stable ? { stable: j.stable } : {}),
      ...(j.canary ? { canary: j.canary } : {}),
    };
    steps.push(record);
    emit({ type: 'judged', record });
    if (j.decision === 'hold' && intervals < plan.policy.maxIntervals) continue;
    if (j.decision !== 'promote' || !last || clock.now() - stepStarted >= plan.soakMs) return record;
    windows = {};
    intervals = 0;
  }
}

export async function runPromotion(plan: Plan, deps: PromotionDeps): Promise<PromotionResult> {
  const { weights, clock } = deps;
  const emit = deps.onProgress ?? (() => {});
  const started = clock.now();
  const steps: StepRecord[] = [];
  const run: Run = { plan, deps, emit, started, steps, intervalsTotal: 0 };
  const startWeight = await weights.read();
  let current = startWeight;
  const setWeight = async (to: number): Promise<void> => {
    if (to === current) return;
    await weights.write(to);
    emit({ type: 'weight', from: current, to });
    current = to;
  };
  const finish = (verdict: Verdict, reason: string, trigger?: Trigger): PromotionResult => ({
    verdict,
    reason,
    ...(trigger ? { trigger } : {}),
    startWeight,
    finalWeight: current,
    intervals: run.intervalsTotal,
    durationMs: clock.now() - started,
    steps,
  });

  try {
    for (const [i, weight] of plan.steps.entries()) {
      await setWeight(weight);
      const outcome = await runStep(run, weight, plan.steps[i + 1]);
      if (outcome.decision === 'rollback') {
        await setWeight(0);
        return finish('rolled_back', `rolled back at ${weight} %: ${outcome.reason}`, outcome.trigger);
      }
      if (outcome.decision !== 'promote') {
        await setWeight(startWeight);
        return finish('halted', `halted at ${weight} %: ${outcome.reason}`, outcome.trigger ?? 'no_data');
      }
    }
    const soak = plan.soakMs > 0 ? ` and held for the ${plan.soakMs / 1000} s soak` : '';
    return finish('promoted', `canary passed every step (${plan.steps.join(' → ')} %)${soak}`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    try {
      await setWeight(startWeight);
    } catch (restoreErr) {
      const also = restoreErr instanceof Error ? restoreErr.message : String(restoreErr);
      return finish(
        'halted',
        `halted: ${message}; restoring ${startWeight} % failed too: ${also}`,
        'failure',
      );
    }
    return finish('halted', `halted: ${message}`, 'failure');
  }
}
