// A running local control plane for tests (docs/cluster.md, "Testing against the control plane").
// Any file named *.cluster.test.ts runs in `make cluster-test` (vitest.cluster.config.ts), whose
// global setup starts the control plane once for all of them (or reuses one already started with
// `make control-plane`, and then leaves it running) and stops it at the end. Files run one at a time;
// each test owns the namespaces it creates. In a test:
//   const plane = controlPlane();                  // kubeconfig path, context, server URL
//   await kubectl(['get', 'nodes']);               // ./bin/kubectl against it, as the admin user
//   await make(['deploy', 'CLUSTER=local']);       // any make target, pointed at it
// Outside vitest: `make control-plane`, then KUBECONFIG=.run/control-plane/kubeconfig (context mmf-local).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { inject } from 'vitest';
import { ROOT } from '../../tools/control-plane/layout.ts';

export interface ControlPlaneInfo {
  kubeconfig: string;
  context: string;
  server: string;
}

declare module 'vitest' {
  interface ProvidedContext {
    /** The local control plane of the `cluster` test run. */
    mmfControlPlane: ControlPlaneInfo;
  }
}

export function controlPlane(): ControlPlaneInfo {
  return inject('mmfControlPlane');
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to the end; never throws on a non-zero exit (tests assert on code and output). */
export function runCommand(
  command: string,
  args: string[],
  input?: string,
  env?: NodeJS.ProcessEnv,
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      { cwd: ROOT, env: env ?? process.env, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') reject(err);
        else resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** ./bin/kubectl against the test run's control plane as the admin user. */
export function kubectl(args: string[], input?: string): Promise<CommandResult> {
  const { kubeconfig, context } = controlPlane();
  return runCommand(
    join(ROOT, 'bin', 'kubectl'),
    ['--kubeconfig', kubeconfig, '--context', context, ...args],
    input,
  );
}

/** Like kubectl, but fails the test with kubectl's own message when it exits non-zero. */
export async function kubectlOk(args: string[], input?: string): Promise<string> {
  const r = await kubectl(args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** `make <args>` in the repository (e.g. ['deploy', 'CLUSTER=local']), output captured. */
export function make(args: string[]): Promise<CommandResult> {
  const env = { ...process.env };
  // A make that runs this test must not hand its jobserver and variables to the one the test starts.
  delete env.MAKEFLAGS;
  delete env.MAKELEVEL;
  delete env.MFLAGS;
  return runCommand('make', ['--no-print-directory', ...args], undefined, env);
}
