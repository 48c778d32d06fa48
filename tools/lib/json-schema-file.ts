// Committed JSON Schema files for the reports the tools write (demo, canary, chaos): the text a zod
// schema becomes, formatted as prettier keeps the repository's JSON (a test compares it with the file), and
// validation against the committed file with ajv, a validator independent of zod.
import { readFileSync, writeFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { format, resolveConfig } from 'prettier';

/** The file's expected text for `schema` (a JSON Schema object). */
export async function schemaFileText(path: string, schema: object): Promise<string> {
  const options = await resolveConfig(path);
  return format(JSON.stringify(schema), { ...options, filepath: path });
}

/** Errors of `value` against the JSON Schema committed at `path` (empty when valid). */
export function validateAgainst(path: string, value: unknown): string[] {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(path, 'utf8')) as object);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}

/** A report's committed JSON Schema file, built from its zod schema by `build`. */
export interface CommittedSchema {
  readonly path: string;
  /** The file's expected text (a test compares it with the committed file). */
  text(): Promise<string>;
  /** Errors of `value` against the committed file (empty when valid). */
  validate(value: unknown): string[];
  /** Writes the file (`node <report module>`, the make *-schema targets). */
  write(): Promise<void>;
}

export function committedSchema(path: string, build: () => object): CommittedSchema {
  const text = (): Promise<string> => schemaFileText(path, build());
  return {
    path,
    text,
    validate: (value) => validateAgainst(path, value),
    write: async () => {
      writeFileSync(path, await text());
      console.log(`wrote ${path}`);
    },
  };
}
