// Finds credential values in text: the repository's files and the synthesized dist/. What counts:
// a literal given to a key or variable named like a credential (password, token, API key, client
// secret...), a URL with a password in it, a private key block, well-known token formats, and in
// Kubernetes objects any Secret with data and any credential-named env var with a literal value.
// What does not: references (`${VAR}`, `$(cmd)`, a Secret's name), masks (`***`), booleans/numbers.

export interface Finding {
  readonly file: string;
  readonly line: number;
  readonly rule: string;
  /** The matched text, shortened: enough to find it, not a copy of the secret. */
  readonly excerpt: string;
}

/** Names whose values are credentials (matched at the end of a key: adminPassword, DB_PASSWORD). */
const CREDENTIAL_NAME = String.raw`(?:pass(?:word|wd|phrase)|token|api[_-]?key|access[_-]?key|private[_-]?key|secret[_-]?key|client[_-]?secret|auth[_-]?secret|bearer)`;
const KEY = String.raw`["']?[A-Za-z0-9_.-]*${CREDENTIAL_NAME}["']?`;
const VALUE = {
  quoted: String.raw`'([^'\n]*)'|"([^"\n]*)"|\x60([^\x60\n]*)\x60`,
  /** A YAML, env or ini value without quotes, to the end of the line (or a comment). */
  bare: String.raw`([^\s'"\x60,;#{[][^\n#]*?)`,
};
const assignment = (value: string, end: string) =>
  new RegExp(String.raw`(?:^|[\s{,(;-])(${KEY})\s*(?::|=(?![=>]))\s*(?:${value})${end}`, 'gim');
/** `key: 'v'`, `key = "v"` in any file; bare `key: v`, `KEY=v` only where values need no quotes. */
const ASSIGNMENT = {
  quoted: assignment(VALUE.quoted, ''),
  bare: assignment(VALUE.bare, String.raw`\s*(?:#.*)?$`),
};
const BARE_VALUE_FILES = /\.(?:ya?ml|env|ini|conf|cfg|properties|toml|md)$|(?:^|\/)\.env[^/]*$/;
const URL_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@'"`]+:([^\s/@'"`]+)@/gi;
const PRIVATE_KEY = /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----/g;
const TOKEN_FORMATS: readonly (readonly [string, RegExp])[] = [
  ['aws access key id', /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g],
  ['github token', /\bgh[pousr]_[A-Za-z0-9]{36,}\b/g],
  ['slack token', /\bxox[abprs]-[A-Za-z0-9-]{10,}/g],
  ['jwt', /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g],
  ['stripe live key', /\b[sr]k_live_[A-Za-z0-9]{16,}/g],
];

/** A value that is not a credential: empty, a mask, a reference to one, a boolean or a number. */
export function isNotACredential(value: string): boolean {
  const v = value.trim();
  return (
    v === '' ||
    /^\*+$|^\[REDACTED\]$/i.test(v) ||
    /^\$[({A-Za-z_]/.test(v) || // ${VAR}, $VAR, $(command)
    /^\{\{.*\}\}$/.test(v) || // a template
    /^(?:true|false|null|~|undefined)$/i.test(v) ||
    /^-?\d+(?:\.\d+)?$/.test(v)
  );
}

const short = (s: string): string => (s.length > 40 ? `${s.slice(0, 37)}...` : s);

function lineOf(text: string, index: number): number {
  let n = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** Every credential value in one file's text. */
export function scanText(file: string, text: string): Finding[] {
  const out: Finding[] = [];
  const add = (index: number, rule: string, excerpt: string) =>
    out.push({ file, line: lineOf(text, index), rule, excerpt: short(excerpt) });
  const rules = BARE_VALUE_FILES.test(file) ? [ASSIGNMENT.quoted, ASSIGNMENT.bare] : [ASSIGNMENT.quoted];
  for (const re of rules) {
    for (const m of text.matchAll(re)) {
      const value = m[2] ?? m[3] ?? m[4] ?? '';
      if (!isNotACredential(value)) add(m.index, 'credential-named key with a literal value', m[0].trim());
    }
  }
  for (const m of text.matchAll(URL_PASSWORD)) {
    if (!isNotACredential(m[1] ?? '')) add(m.index, 'password in a URL', m[0]);
  }
  for (const m of text.matchAll(PRIVATE_KEY)) add(m.index, 'private key', m[0]);
  for (const [rule, re] of TOKEN_FORMATS) for (const m of text.matchAll(re)) add(m.index, rule, m[0]);
  return out;
}

type Json = Record<string, unknown>;

function envEntries(
  value: unknown,
  path: string,
  out: { path: string; name: string; value: string }[],
): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => envEntries(v, `${path}[${i}]`, out));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const o = value as Json;
  if (typeof o.name === 'string' && typeof o.value === 'string')
    out.push({ path, name: o.name, value: o.value });
  for (const [k, v] of Object.entries(o)) envEntries(v, `${path}.${k}`, out);
}

const CREDENTIAL_ENV = new RegExp(`${CREDENTIAL_NAME}$`, 'i');

/** Credentials in parsed Kubernetes objects: Secrets with data, credential-named env literals. */
export function scanObjects(file: string, objects: readonly Json[]): Finding[] {
  const out: Finding[] = [];
  for (const o of objects) {
    const meta = (o.metadata ?? {}) as { name?: string };
    const where = `${String(o.kind)}/${String(meta.name)}`;
    if (o.kind === 'Secret' && (o.data !== undefined || o.stringData !== undefined)) {
      out.push({ file, line: 0, rule: 'a Secret with values in a synthesized file', excerpt: where });
    }
    const entries: { path: string; name: string; value: string }[] = [];
    envEntries(o.spec, 'spec', entries);
    for (const e of entries) {
      if (CREDENTIAL_ENV.test(e.name) && !isNotACredential(e.value)) {
        out.push({
          file,
          line: 0,
          rule: 'credential-named env var with a literal value',
          excerpt: `${where} ${e.name}`,
        });
      }
    }
  }
  return out;
}

/** A known non-credential that looks like one, with the reason it is allowed. */
export interface Allowed {
  readonly file: string;
  readonly excerpt: string;
  readonly reason: string;
}

export function withoutAllowed(findings: readonly Finding[], allowed: readonly Allowed[]): Finding[] {
  return findings.filter((f) => !allowed.some((a) => a.file === f.file && f.excerpt.includes(a.excerpt)));
}
