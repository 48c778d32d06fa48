// The demo report's JSON Schema file: `node tools/demo/schema-file.ts` (make demo-schema) writes it
// from the zod schema; a test fails when the committed file is stale. `validateReport` checks a
// report against the committed file with ajv, a validator independent of zod.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { format, resolveConfig } from 'prettier';
import { demoReportJsonSchema } from './report-schema.ts';

export const SCHEMA_PATH = join(import.meta.dirname, 'mmf_demo_report.schema.json');

/** The schema file's text, formatted as prettier keeps the repository's JSON. */
export async function schemaText(): Promise<string> {
  const options = await resolveConfig(SCHEMA_PATH);
  return format(JSON.stringify(demoReportJsonSchema()), { ...options, filepath: SCHEMA_PATH });
}

/** Errors of `report` against the committed JSON Schema (empty when valid). */
export function validateReport(report: unknown): string[] {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as object);
  if (validate(report)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}

if (import.meta.main) {
  writeFileSync(SCHEMA_PATH, await schemaText());
  console.log(`wrote ${SCHEMA_PATH}`);
}
