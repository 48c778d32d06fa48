// The Docker build context, computed from .dockerignore itself: the files `docker build .` would
// send, matched with Docker's own rules (@balena/dockerignore implements them) and walked the way
// Docker walks the tree, so the check sees exactly what the image's build stage sees.
import { cpSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Ignore } from '@balena/dockerignore';

// A CommonJS module whose typings declare an ES default export: require() gives the factory itself.
const ignore = createRequire(import.meta.url)('@balena/dockerignore') as () => Ignore;

/** The ignore rules (comments and blank lines dropped, like Docker's reader). */
export function dockerignoreRules(root: string): string[] {
  return readFileSync(join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/**
 * Paths (relative, `/`-separated) of every file in the context. Like Docker, an ignored directory
 * is entered only when an exception (`!pattern`) could match below it; so node_modules, .git and
 * the other excluded trees are never walked.
 */
export function contextFiles(root: string, rules: readonly string[] = dockerignoreRules(root)): string[] {
  const matcher = ignore().add([...rules]);
  const exceptions = rules.filter((r) => r.startsWith('!')).map((r) => r.slice(1).replace(/^\/+|\/+$/g, ''));
  const files: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      const ignored = matcher.ignores(path);
      if (entry.isDirectory()) {
        if (!ignored || exceptions.some((e) => `${e}/`.startsWith(`${path}/`))) walk(path);
      } else if (!ignored) files.push(path);
    }
  };
  walk('');
  return files.sort();
}

/** Copies the context into dir and returns its file list. */
export function materializeContext(root: string, dir: string): string[] {
  const files = contextFiles(root);
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(root, file), join(dir, file));
  }
  return files;
}
