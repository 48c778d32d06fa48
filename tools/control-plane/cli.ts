// make control-plane / control-plane-down / control-plane-status.
import { CONTEXT } from './layout.ts';
import { ControlPlane } from './control-plane.ts';

const plane = new ControlPlane();

async function table(): Promise<boolean> {
  const rows = await plane.status();
  console.log(`${'component'.padEnd(26)}${'pid'.padEnd(9)}health`);
  for (const r of rows)
    console.log(`${r.name.padEnd(26)}${String(r.pid ?? '-').padEnd(9)}${r.healthy ? 'ok' : 'down'}`);
  return rows.every((r) => r.healthy);
}

const command = process.argv[2];
try {
  if (command === 'up') {
    const started = Date.now();
    await plane.up();
    await table();
    const kubeconfig = plane.layout.kubeconfig;
    console.log(
      `\ncontrol plane up in ${((Date.now() - started) / 1000).toFixed(1)} s at ${plane.layout.server}; logs in ${plane.layout.runDir}/logs`,
    );
    console.log(`  export KUBECONFIG=${kubeconfig}   # context ${CONTEXT}; kubectl is ./bin/kubectl`);
    console.log(`  kubectl --kubeconfig ${kubeconfig} get nodes`);
    console.log('  make deploy CLUSTER=local        # then: make control-plane-down');
  } else if (command === 'down') {
    await plane.down();
  } else if (command === 'status') {
    process.exitCode = (await table()) ? 0 : 1;
  } else {
    console.error(
      'usage: cli.ts up|down|status   (state: .run/control-plane; base port: CONTROL_PLANE_PORT=16443)',
    );
    process.exitCode = 2;
  }
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
}
