// Global setup of the default vitest project: a per-run directory for the PGlite template and copies
// (the template itself is built on first use, so runs without database tests pay nothing).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import './provided.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'mmf-pglite-'));
  project.provide('mmfPgliteRoot', root);
  return async () => {
    await rm(root, { recursive: true, force: true });
  };
}
