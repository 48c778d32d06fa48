// make canary-test: the local canary demo, scaled down (test/e2e/canary-demo.e2e.ts). Kept out of
// `make unit` (its own config, run alone) because it runs seven processes, Prometheus and k6 for a
// minute, and its latency triggers should not judge CPU taken by the unit run's parallel files.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['test/e2e/canary-demo.e2e.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
