// What a promtool rule unit test says, before it is written as YAML (write-promtool-tests.ts).

export type Labels = Readonly<Record<string, string>>;

export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

/** At minute `at`, exactly the alerts listed in `firing` (labels without alertname) are firing. */
export interface AlertCheck {
  readonly at: number;
  readonly alertname: string;
  readonly firing: readonly Labels[];
}

export interface PromtoolGroup {
  /** What the group shows, e.g. "HighErrorRate: fires after 2m, not on a blip". */
  readonly name: string;
  /** Minutes between samples (default 1). */
  readonly intervalMinutes?: number;
  readonly series: readonly InputSeries[];
  readonly checks: readonly AlertCheck[];
}

export interface PromtoolFile {
  readonly name: string;
  /** Rule files under dist/rules (names without .yaml). */
  readonly ruleFiles: readonly string[];
  readonly evaluationMinutes: number;
  readonly groups: readonly PromtoolGroup[];
}
