// Two projects, both run by `vitest run` (make unit):
// - default: every *.test.ts; databases are PGlite (copies of one template per run).
// - postgres: the store tests (*.store.test.ts) once more against a real PostgreSQL server that the
//   project's global setup starts. Store tests get their database from test/support/test-database.ts
//   (openTestDatabase), which follows TEST_DATABASE, so one test file covers both backends.
// Run one: `vitest run --project default` or `--project postgres`.
import { defineConfig } from 'vitest/config';

const STORE_TESTS = ['**/*.store.test.ts'];

export default defineConfig({
  test: {
    // *.cluster.test.ts need the local control plane: `make cluster-test` (vitest.cluster.config.ts).
    exclude: ['node_modules/**', 'dist/**', 'build/**', 'load/**', '.run/**', '**/*.cluster.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'default',
          include: ['**/*.test.ts'],
          globalSetup: ['test/support/pglite-global-setup.ts'],
          env: { TEST_DATABASE: 'pglite' },
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: STORE_TESTS,
          globalSetup: ['test/support/postgres-global-setup.ts'],
          env: { TEST_DATABASE: 'postgres' },
        },
      },
    ],
  },
});
