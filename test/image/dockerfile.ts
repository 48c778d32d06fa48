// The Dockerfile as data: instructions (continuation lines joined, heredoc bodies attached) grouped
// into stages. Read by the image check, which re-enacts the stages, and by the structure tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Instruction {
  readonly op: string;
  readonly args: string;
  readonly heredoc?: string;
}

export interface Stage {
  readonly name: string;
  readonly from: string;
  readonly body: Instruction[];
}

/** Dockerfile instructions with continuation lines joined and heredoc bodies attached. */
export function parseDockerfile(text: string): Instruction[] {
  const lines = text.split('\n');
  const out: Instruction[] = [];
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] ?? '';
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    while (line.endsWith('\\')) line = `${line.slice(0, -1)} ${(lines[++i] ?? '').trim()}`;
    const [, op = '', args = ''] = /^(\w+)\s+(.*)$/.exec(line.trim()) ?? [];
    const marker = /<<'?(\w+)'?/.exec(args)?.[1];
    let heredoc: string | undefined;
    if (marker) {
      const body: string[] = [];
      while (i + 1 < lines.length && lines[i + 1] !== marker) body.push(lines[++i] ?? '');
      i++;
      heredoc = body.join('\n');
    }
    out.push({ op: op.toUpperCase(), args, ...(heredoc === undefined ? {} : { heredoc }) });
  }
  return out;
}

/** The build stages in order; instructions before the first FROM (ARG) belong to none. */
export function stagesOf(instructions: readonly Instruction[]): Stage[] {
  const result: Stage[] = [];
  for (const ins of instructions) {
    if (ins.op === 'FROM') {
      const [, from = '', name = ''] = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(ins.args) ?? [];
      result.push({ name, from, body: [] });
    } else result.at(-1)?.body.push(ins);
  }
  return result;
}

export function readDockerfile(root: string): Stage[] {
  return stagesOf(parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8')));
}

/** A COPY's flags (`--from=deps`), sources and destination. */
export function copyOperands(ins: Instruction): { from?: string; sources: string[]; dest: string } {
  const words = ins.args.split(/\s+/).filter((w) => w !== '');
  const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
  const operands = words.filter((w) => !w.startsWith('--'));
  const dest = operands.pop() ?? '';
  return { ...(from ? { from } : {}), sources: operands, dest };
}

/** ENV instructions of a stage as one map (`ENV A=1 B=2`, continuation lines already joined). */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const ins of stage.body.filter((i) => i.op === 'ENV')) {
    for (const [, key = '', value = ''] of ins.args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) {
      env[key] = value.replace(/^"(.*)"$/, '$1');
    }
  }
  return env;
}
