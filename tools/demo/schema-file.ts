// The demo report's JSON Schema file: `node tools/demo/schema-file.ts` (make demo-schema) writes it
// from the zod schema; a test fails when the committed file is stale. `validateReport` checks a
// report against the committed file with ajv, a validator independent of zod.
import { join } from 'node:path';
import { committedSchema } from '../lib/json-schema-file.ts';
import { demoReportJsonSchema } from './report-schema.ts';

const schemaFile = committedSchema(
  join(import.meta.dirname, 'mmf_demo_report.schema.json'),
  demoReportJsonSchema,
);
export const SCHEMA_PATH = schemaFile.path;
export const schemaText = schemaFile.text;
export const validateReport = schemaFile.validate;

if (import.meta.main) await schemaFile.write();
