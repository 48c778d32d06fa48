// The canary report: reports/canary_YYYYMMDD_HHMMSS.json, one per promotion (local demo or cluster).
// Its structure is written once as a zod schema: the type, the check before writing, and the JSON
// Schema kept in the repo (tools/canary/canary_report.schema.json, `make canary-schema`, checked by
// a test; reports are validated against it with ajv: tools/lib/json-schema-file.ts).
import { join } from 'node:path';
import { z } from 'zod';
import { committedSchema } from '../lib/json-schema-file.ts';
import { timestampedName, writeNewJson } from '../lib/report-file.ts';
import type { Plan } from './plan.ts';
import type { PromotionResult, StepRecord } from './promotion.ts';
import type { Versions } from './prometheus-metrics.ts';

const percent = z.number().min(0).max(100);
const count = z.number().int().min(0);

const versionStatsSchema = z
  .object({
    version: z.string(),
    requests: count,
    errors: count,
    error_rate: z.number().min(0).max(1).describe('errors / requests (5xx only)'),
    p95_ms: z.number().min(0).nullable().describe('null without requests'),
  })
  .strict();

const step = z
  .object({
    weight: percent.describe('canary share of traffic during the analysis, percent'),
    decision: z.enum(['promote', 'hold', 'rollback', 'halt']),
    reason: z.string().min(1),
    trigger: z
      .enum(['error_rate', 'latency', 'no_data', 'too_few_requests', 'inconsistent_data', 'failure'])
      .nullable(),
    source: z.string().describe('the metrics view that decided: app (services) or mesh (Istio)'),
    intervals: count.min(1).describe('analysis intervals in the judged window'),
    at_s: z.number().min(0).describe('seconds since the promotion started'),
    stable: versionStatsSchema.nullable(),
    canary: versionStatsSchema.nullable(),
  })
  .strict();

export const canaryReportSchema = z
  .object({
    verdict: z.enum(['promoted', 'rolled_back', 'halted']),
    reason: z.string().min(1),
    trigger: step.shape.trigger,
    target: z.enum(['local', 'cluster']),
    /** What the local demo injected (good | bad | idle); null in a cluster. */
    scenario: z.string().nullable(),
    service: z.string(),
    versions: z.object({ stable: z.string(), canary: z.string() }).strict(),
    started_at: z.iso.datetime(),
    duration_s: z.number().min(0),
    start_weight: percent,
    final_weight: percent,
    plan: z
      .object({
        steps: z.array(percent).min(1),
        interval_s: z.number().positive(),
        soak_s: z.number().min(0),
        min_requests: count,
        max_error_percent: percent,
        max_p95_ms: z.number().positive(),
        alpha: z.number().min(0).max(1).describe('significance level of each comparison with stable'),
      })
      .strict(),
    steps: z.array(step),
  })
  .strict();
export type CanaryReport = z.infer<typeof canaryReportSchema>;

const schemaFile = committedSchema(join(import.meta.dirname, 'canary_report.schema.json'), () => ({
  $id: 'https://mmf-petstore.local/schemas/canary_report.schema.json',
  title: 'MMF petstore canary promotion report (make promote, make canary-demo)',
  ...z.toJSONSchema(canaryReportSchema, { target: 'draft-2020-12' }),
}));
export const SCHEMA_PATH = schemaFile.path;
export const schemaText = schemaFile.text;
export const validateReport = schemaFile.validate;

export interface ReportContext {
  readonly target: 'local' | 'cluster';
  readonly scenario: string | null;
  readonly service: string;
  readonly versions: Versions;
  readonly plan: Plan;
  readonly startedAt: Date;
}

function versionStats(version: string, s: StepRecord['canary']) {
  if (!s) return null;
  const p95 = s.p95Ms === undefined ? null : Math.round(s.p95Ms * 10) / 10;
  return { version, requests: s.requests, errors: s.errors, error_rate: s.errorRate, p95_ms: p95 };
}

export function buildReport(result: PromotionResult, ctx: ReportContext): CanaryReport {
  return canaryReportSchema.parse({
    verdict: result.verdict,
    reason: result.reason,
    trigger: result.trigger ?? null,
    target: ctx.target,
    scenario: ctx.scenario,
    service: ctx.service,
    versions: { ...ctx.versions },
    started_at: ctx.startedAt.toISOString(),
    duration_s: result.durationMs / 1000,
    start_weight: result.startWeight,
    final_weight: result.finalWeight,
    plan: {
      steps: [...ctx.plan.steps],
      interval_s: ctx.plan.intervalMs / 1000,
      soak_s: ctx.plan.soakMs / 1000,
      min_requests: ctx.plan.policy.minRequests,
      max_error_percent: ctx.plan.policy.maxErrorPercent,
      max_p95_ms: ctx.plan.policy.maxP95Ms,
      alpha: ctx.plan.policy.alpha,
    },
    steps: result.steps.map((s) => ({
      weight: s.weight,
      decision: s.decision,
      reason: s.reason,
      trigger: s.trigger ?? null,
      source: s.source,
      intervals: s.intervals,
      at_s: s.atMs / 1000,
      stable: versionStats(ctx.versions.stable, s.stable),
      canary: versionStats(ctx.versions.canary, s.canary),
    })),
  });
}

/** canary_YYYYMMDD_HHMMSS (local time, as the petstore document names its reports). */
export function reportBaseName(at: Date): string {
  return timestampedName('canary', at);
}

/** Writes the report beside earlier ones (never over one: a second run in the same second gets _2). */
export function writeReport(dir: string, report: CanaryReport): Promise<string> {
  return writeNewJson(dir, reportBaseName(new Date(report.started_at)), report);
}

if (import.meta.main) await schemaFile.write();
