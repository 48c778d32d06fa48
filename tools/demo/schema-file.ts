// The demo report's JSON Schema file: `node tools/demo/schema-file.ts` (make demo-schema) writes it
// from the zod schema; a test fails when the committed file is stale. `validateReport` checks a
// report against the committed file with ajv, a validator independent of zod.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemaFileText, validateAgainst } from '../lib/json-schema-file.ts';
import { demoReportJsonSchema } from './report-schema.ts';

export const SCHEMA_PATH = join(import.meta.dirname, 'mmf_demo_report.schema.json');

/** The schema file's text, formatted as prettier keeps the repository's JSON. */
export function schemaText(): Promise<string> {
  return schemaFileText(SCHEMA_PATH, demoReportJsonSchema());
}

/** Errors of `report` against the committed JSON Schema (empty when valid). */
export function validateReport(report: unknown): string[] {
  return validateAgainst(SCHEMA_PATH, report);
}

if (import.meta.main) {
  writeFileSync(SCHEMA_PATH, await schemaText());
  console.log(`wrote ${SCHEMA_PATH}`);
}
