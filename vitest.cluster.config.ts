// `make cluster-test`: every *.cluster.test.ts against one local control plane (kube-apiserver,
// controllers, scheduler, kwok nodes; test/support/control-plane-global-setup.ts). Files run one at a
// time because they share the cluster. Not part of `vitest run` (vitest.config.ts excludes them).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'cluster',
    include: ['**/*.cluster.test.ts'],
    exclude: ['node_modules/**', 'dist/**', 'build/**', '.run/**'],
    globalSetup: ['test/support/control-plane-global-setup.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
