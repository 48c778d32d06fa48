// The chaos report, reports/chaos_YYYYMMDD_HHMMSS.json: the load, every kill, the recovery, each
// invariant's counts and every violation with its IDs. The zod schema is written once; its JSON
// Schema is committed beside it (tools/chaos/chaos_report.schema.json, `make chaos-schema`, checked
// by a test) and every report is validated against that file with ajv before it is written.
import { join } from 'node:path';
import { z } from 'zod';
import { committedSchema } from '../lib/json-schema-file.ts';
import { timestampedName, writeNewJson } from '../lib/report-file.ts';
import { INVARIANT_NAMES } from './audit.ts';

const count = z.number().int().min(0);
const seconds = z.number().min(0);
const invariantName = z.enum(INVARIANT_NAMES as [string, ...string[]]);

const processKill = z
  .object({
    at_s: seconds.describe('seconds after the load started'),
    service: z.string(),
    pid: z.number().int().positive(),
    restarted_pid: z.number().int().positive().nullable(),
    ready_after_ms: z.number().min(0).nullable().describe('from the kill until the new process was ready'),
  })
  .strict()
  .describe('make chaos: a process killed with SIGKILL and restarted');

const podKill = z
  .object({
    at_s: seconds.describe('seconds after the chaos loop started'),
    service: z.string(),
    pod: z.string(),
    replacement_pod: z.string().nullable(),
    ready_after_ms: z
      .number()
      .min(0)
      .nullable()
      .describe('from the deletion until the service had as many Ready pods as before'),
  })
  .strict()
  .describe('make chaos-cluster: a pod deleted and replaced by its ReplicaSet');

export const chaosReportSchema = z
  .object({
    target: z.enum(['local', 'cluster']),
    started_at: z.iso.datetime({ offset: true }),
    duration_s: seconds,
    passed: z.boolean().describe('no violation and no run problem'),
    config: z
      .object({
        chaos_seconds: seconds,
        kill_every_s: seconds,
        min_kills: count,
        recovery_window_s: seconds,
        order_rate_per_s: z
          .number()
          .positive()
          .nullable()
          .describe('null on a cluster: the load runs as its own Job'),
        victims: z.array(z.string()).min(1),
        service_env: z.record(z.string(), z.string()),
      })
      .strict(),
    load: z
      .object({
        keys: count.describe('distinct Idempotency-Keys (one intended order each)'),
        requests: count.describe('POSTs sent, retries and replays included'),
        retried_keys: count.describe('keys that needed more than one attempt'),
        replays: count.describe('keys sent again after their final answer'),
        concurrent_duplicates: count.describe('keys sent twice at once'),
        unanswered: count.describe('keys with no final answer before the client gave up'),
        answers: z.record(z.string(), count).describe('final answers by HTTP status'),
        k6_exit_code: z.number().int(),
      })
      .strict()
      .nullable()
      .describe(
        'null on a cluster: the load runs as its own Job (make load-cluster), whose answers are not read',
      ),
    kills: z.array(z.union([processKill, podKill])),
    recovery: z
      .object({
        window_s: seconds,
        terminal_after_s: seconds.nullable().describe('null: orders were still open when the window ended'),
      })
      .strict(),
    orders: z
      .object({
        audited: count,
        confirmed: count,
        failed: count,
        unfinished: count,
        failures: z.record(z.string(), count).describe('failed orders by failure code'),
      })
      .strict(),
    invariants: z.array(
      z.object({ name: invariantName, description: z.string(), checked: count, violations: count }).strict(),
    ),
    violations: z.array(
      z
        .object({ invariant: invariantName, message: z.string(), ids: z.record(z.string(), z.string()) })
        .strict(),
    ),
    problems: z
      .array(z.string())
      .describe('what made the run itself unsound (too few kills, k6 failed, ...)'),
    machine: z.object({ cpus: count, load_average: z.array(z.number()) }).strict(),
  })
  .strict();
export type ChaosReport = z.infer<typeof chaosReportSchema>;

const schemaFile = committedSchema(join(import.meta.dirname, 'chaos_report.schema.json'), () => ({
  $id: 'https://mmf-petstore.local/schemas/chaos_report.schema.json',
  title: 'MMF petstore exactly-once chaos report (make chaos)',
  ...z.toJSONSchema(chaosReportSchema, { target: 'draft-2020-12' }),
}));
export const SCHEMA_PATH = schemaFile.path;
export const schemaText = schemaFile.text;
export const validateReport = schemaFile.validate;

/** Checks the report (zod, then the committed schema) and writes it beside earlier ones (never over one). */
export function writeReport(dir: string, report: ChaosReport): Promise<string> {
  const parsed = chaosReportSchema.parse(report);
  const errors = validateReport(parsed);
  if (errors.length) throw new Error(`chaos report does not match ${SCHEMA_PATH}: ${errors.join('; ')}`);
  return writeNewJson(dir, timestampedName('chaos', new Date(report.started_at)), parsed);
}

if (import.meta.main) await schemaFile.write();
