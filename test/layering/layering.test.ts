// The layering rules of .dependency-cruiser.mjs (make layering), run on a small tree written for the
// test: a cross-service import and a contract that re-exports its service's model must both fail,
// while a service that imports another's wire-only contract passes.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cruise, type IConfiguration, type ICruiseResult } from 'dependency-cruiser';

// The project's own rule file, as make layering reads it.
const configUrl = new URL('../../.dependency-cruiser.mjs', import.meta.url).href;
const config = ((await import(configUrl)) as { default: IConfiguration }).default;

const root = mkdtempSync(join(tmpdir(), 'layering-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function tree(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

async function violations(dir: string): Promise<string[]> {
  const { output } = await cruise(['services'], {
    baseDir: dir,
    validate: true,
    ruleSet: { forbidden: config.forbidden },
    tsPreCompilationDeps: true,
  });
  const result = output as ICruiseResult;
  return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
}

const model = { 'services/advisor/model/rules.ts': 'export const rules = (n: number) => n;\n' };

describe('make layering', () => {
  it('passes a service that imports only a wire-only contract of another', async () => {
    const dir = tree('clean', {
      ...model,
      'services/advisor/contract.ts': "export const request = { kind: 'wire' };\n",
      'services/store/service.ts': "import { request } from '../advisor/contract.ts';\nvoid request;\n",
    });
    expect(await violations(dir)).toEqual([]);
  });

  it('fails a service that imports another service internals', async () => {
    const dir = tree('cross', {
      ...model,
      'services/store/service.ts': "import { rules } from '../advisor/model/rules.ts';\nvoid rules;\n",
    });
    expect(await violations(dir)).toEqual([
      'services-meet-only-through-contracts: services/store/service.ts -> services/advisor/model/rules.ts',
    ]);
  });

  it("fails a contract that re-exports its service's model", async () => {
    const dir = tree('leak', {
      ...model,
      'services/advisor/contract.ts': "export { rules } from './model/rules.ts';\n",
      'services/store/service.ts': "import { rules } from '../advisor/contract.ts';\nvoid rules;\n",
    });
    expect(await violations(dir)).toEqual([
      'contracts-hold-the-wire-contract-only: services/advisor/contract.ts -> services/advisor/model/rules.ts',
    ]);
  });
});
