// make chaos-test: make chaos itself, scaled down, as one end-to-end test (real services, real k6,
// real kill -9). Kept out of `make unit` (its own config): it runs for about a minute.
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: resolve(import.meta.dirname, '../..'),
    include: ['tools/chaos/*.e2e.ts'],
    testTimeout: 180_000,
  },
});
