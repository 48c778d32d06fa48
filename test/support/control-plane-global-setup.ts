// Global setup of `make cluster-test` (vitest.cluster.config.ts): one local control plane for every
// *.cluster.test.ts file. One that already runs (make control-plane) is reused and left running;
// otherwise it is started here and stopped afterwards (KEEP_CONTROL_PLANE=1 keeps it for a look).
// A control plane that cannot start fails the run with the reason; nothing is skipped.
import type { TestProject } from 'vitest/node';
import { ControlPlane } from '../../tools/control-plane/control-plane.ts';
import { CONTEXT } from '../../tools/control-plane/layout.ts';
import './control-plane.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const plane = new ControlPlane();
  const reused = await plane.running();
  const started = Date.now();
  await plane.up((line) => console.info(line));
  if (!reused)
    console.info(
      `control plane up in ${((Date.now() - started) / 1000).toFixed(1)} s at ${plane.layout.server}`,
    );
  project.provide('mmfControlPlane', {
    kubeconfig: plane.layout.kubeconfig,
    context: CONTEXT,
    server: plane.layout.server,
  });
  return async () => {
    if (!reused && !process.env.KEEP_CONTROL_PLANE) await plane.down((line) => console.info(line));
  };
}
