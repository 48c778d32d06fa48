// make demo-test: the demo itself, scaled down, as one end-to-end test (real services, real k6).
// Kept out of `make unit` (its own config) because it owns the catalog's local ports for a minute.
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: resolve(import.meta.dirname, '../..'),
    include: ['tools/demo/*.e2e.ts'],
    testTimeout: 30_000,
    hookTimeout: 240_000,
  },
});
