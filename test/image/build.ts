// Re-enacts the Dockerfile without a Docker daemon: every stage gets its own root directory under
// the work dir (`/app` of stage `deps` is <work>/deps/app), and its instructions run in order:
// COPY from the build context (computed from .dockerignore), from a heredoc or from an earlier
// stage; WORKDIR; ENV; RUN in bash. Two deliberate differences, both printed when they apply:
// - npm runs offline from npm's cache (filled by `make install`'s `npm ci` of the same lockfile),
//   so the production-only install really happens, here and on a machine without a registry;
// - a full `npm ci` (every devDependency, only the compiler is used) links the repository's own
//   node_modules, installed from the same lockfile, instead of installing a gigabyte again.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { materializeContext } from './context.ts';
import { copyOperands, envOf, type Instruction, type Stage } from './dockerfile.ts';

export interface BuiltImage {
  /** Root directory of the last stage: what the image's filesystem holds. */
  readonly root: string;
  /** Its working directory (WORKDIR of the runtime stage). */
  readonly workdir: string;
  readonly env: Record<string, string>;
  readonly cmd: string[];
  readonly contextFiles: string[];
}

export class BuildError extends Error {
  override readonly name = 'BuildError';
}

interface StageState {
  readonly root: string;
  workdir: string;
  env: Record<string, string>;
}

/** Where a path inside a stage's filesystem lives on this machine. */
function inStage(state: StageState, path: string): string {
  return isAbsolute(path) ? join(state.root, path) : join(state.root, state.workdir, path);
}

/** cp -a keeps symlinks and modes; between stages files are hard-linked (nothing writes to them). */
function copy(from: string, to: string, link: boolean): void {
  if (!existsSync(from)) throw new BuildError(`COPY: ${from} does not exist`);
  mkdirSync(dirname(to), { recursive: true });
  const result = spawnSync('cp', [link ? '-al' : '-a', '-T', from, to], { encoding: 'utf8' });
  if (result.status !== 0) throw new BuildError(`COPY ${from} -> ${to}: ${result.stderr}`);
}

function runCopy(ins: Instruction, state: StageState, context: string, stages: Map<string, StageState>) {
  const { from, sources, dest } = copyOperands(ins);
  if (ins.heredoc !== undefined) {
    writeFileSync(inStage(state, dest), `${ins.heredoc}\n`);
    return;
  }
  const source = from ? stages.get(from) : undefined;
  if (from && !source) throw new BuildError(`COPY --from=${from}: no earlier stage of that name`);
  for (const src of sources) {
    const origin = source ? inStage(source, src) : join(context, src);
    const into = dest.endsWith('/') || sources.length > 1 ? join(dest, src.split('/').at(-1) ?? '') : dest;
    copy(origin, inStage(state, into), source !== undefined);
  }
}

function runCommand(command: string, state: StageState, repoRoot: string, log: (line: string) => void) {
  const cwd = inStage(state, '.');
  if (/^npm ci\b/.test(command) && !/--omit[= ]dev/.test(command) && !command.includes('&&')) {
    log(`  RUN ${command}: linked the repository's node_modules (same lockfile)`);
    symlinkSync(join(repoRoot, 'node_modules'), join(cwd, 'node_modules'));
    return;
  }
  log(`  RUN ${command}`);
  const result = spawnSync('bash', ['-euo', 'pipefail', '-c', command], {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      ...state.env,
      npm_config_offline: 'true',
      npm_config_loglevel: 'error',
      npm_config_update_notifier: 'false',
    },
  });
  if (result.status !== 0) {
    throw new BuildError(`RUN ${command} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  }
}

/** Builds every stage in order; returns the last one. Throws a BuildError naming the failing step. */
export function buildImage(
  repoRoot: string,
  stages: readonly Stage[],
  work: string,
  log: (line: string) => void = () => {},
): BuiltImage {
  const context = join(work, 'context');
  const contextFiles = materializeContext(repoRoot, context);
  log(`context: ${contextFiles.length} files from .dockerignore`);
  const built = new Map<string, StageState>();
  let last: StageState | undefined;
  for (const stage of stages) {
    log(`stage ${stage.name}`);
    const state: StageState = { root: join(work, 'stages', stage.name), workdir: '/', env: envOf(stage) };
    mkdirSync(state.root, { recursive: true });
    for (const ins of stage.body) {
      if (ins.op === 'WORKDIR') {
        state.workdir = ins.args;
        mkdirSync(inStage(state, '.'), { recursive: true });
      } else if (ins.op === 'COPY') runCopy(ins, state, context, built);
      else if (ins.op === 'RUN') runCommand(ins.args, state, repoRoot, log);
    }
    built.set(stage.name, state);
    last = state;
  }
  const final = stages.at(-1);
  if (!last || !final) throw new BuildError('the Dockerfile has no stage');
  const cmd = JSON.parse(final.body.find((i) => i.op === 'CMD')?.args ?? '[]') as string[];
  return { root: last.root, workdir: inStage(last, '.'), env: last.env, cmd, contextFiles };
}
