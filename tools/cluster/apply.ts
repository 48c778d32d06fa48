// How `make deploy` (and `make load-cluster`) put objects on a cluster: server-side apply as the
// deploy field manager, taking over fields another manager changed by hand (--force-conflicts),
// except a VirtualService's routing once the canary promoter owns it (routing-ownership.ts).
// usage: node tools/cluster/apply.ts --context CTX [--dry-run | --diff] [--reset-routes] FILE...
//   --dry-run       server-side dry run: the server validates and admits, nothing is stored
//   --diff          kubectl diff of the same apply (exit 1 when something would change)
//   --reset-routes  apply the synthesized routing even where the promoter owns it
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs, promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { FIELD_MANAGERS } from '../../catalog/index.ts';
import { type KubeObject, planRouting } from './routing-ownership.ts';

const run = promisify(execFile);

const { values, positionals } = parseArgs({
  options: {
    context: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    diff: { type: 'boolean', default: false },
    'reset-routes': { type: 'boolean', default: false },
  },
  allowPositionals: true,
});
if (!values.context || positionals.length === 0) {
  console.error('usage: apply.ts --context CTX [--dry-run | --diff] [--reset-routes] FILE...');
  process.exit(2);
}
const context = values.context;

function readObjects(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((doc) => doc.toJSON() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

/**
 * Live VirtualServices (none when the Istio CRDs are not installed). Any other failure stops the
 * deploy: applying without knowing who owns the routing could reset the promoter's weights.
 */
async function liveVirtualServices(): Promise<KubeObject[]> {
  const args = ['--context', context, 'get', 'virtualservices.networking.istio.io', '--all-namespaces'];
  try {
    const { stdout } = await run('kubectl', [...args, '--show-managed-fields', '-o', 'json'], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return (JSON.parse(stdout) as { items: KubeObject[] }).items;
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? '');
    if (stderr.includes("doesn't have a resource type")) return [];
    throw new Error(
      `kubectl ${args.join(' ')} failed, so the VirtualServices' routing owner is unknown: ${stderr || String(err)}`,
      { cause: err },
    );
  }
}

function kubectl(args: string[], input: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', ['--context', context, ...args], {
      stdio: ['pipe', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
    child.stdin.end(input);
  });
}

const live = values['reset-routes']
  ? []
  : await liveVirtualServices().catch((err: Error) => {
      console.error(err.message);
      process.exit(1);
    });
const flags = [`--server-side`, `--field-manager=${FIELD_MANAGERS.deploy}`, '--force-conflicts'];
let status = 0;
for (const file of positionals) {
  const plan = planRouting(readObjects(file), live);
  for (const k of plan.kept) {
    console.log(
      `${k.name}: traffic routing is owned by ${FIELD_MANAGERS.promoter}, left as it is (${k.weights}); RESET_ROUTES=1 takes it back`,
    );
  }
  const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: plan.objects });
  const args = values.diff
    ? ['diff', ...flags, '-f', '-']
    : ['apply', ...flags, ...(values['dry-run'] ? ['--dry-run=server'] : []), '-f', '-'];
  const code = await kubectl(args, list);
  // kubectl diff: 0 = no differences, 1 = differences, >1 = error.
  if (code !== 0) status = Math.max(status, code);
}
process.exitCode = status;
