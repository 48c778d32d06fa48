import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';
import { runWithContext } from './context.ts';
import { CORRELATION_ID_PATTERN, newCorrelationId } from './correlation.ts';
import { Faults, parseFaultHeader } from './faults.ts';

describe('config', () => {
  it('applies catalog defaults and derives downstream URLs', () => {
    const c = loadConfig('order', {}, {});
    expect(c.port).toBe(8001);
    expect(c.urls.payment).toBe('http://127.0.0.1:8002');
    expect(
      loadConfig('order', {}, { PAYMENT_URL: 'http://payment.petstore.svc.cluster.local/' }).urls.payment,
    ).toBe('http://payment.petstore.svc.cluster.local');
  });

  it('names every bad variable', () => {
    expect(() =>
      loadConfig('order', {}, { PORT: 'eighty', FAULT_DECLINE_RATE: '1.5', FAULTS_ENABLED: 'maybe' }),
    ).toThrow(ConfigError);
    try {
      loadConfig('order', {}, { PORT: 'eighty', FAULT_DECLINE_RATE: '1.5', FAULTS_ENABLED: 'maybe' });
    } catch (err) {
      expect((err as Error).message).toMatch(/PORT/);
      expect((err as Error).message).toMatch(/FAULT_DECLINE_RATE: must be between 0 and 1/);
      expect((err as Error).message).toMatch(/FAULTS_ENABLED: expected true or false/);
    }
  });

  it('stops a service process with exit code 2 and a message naming the variable', () => {
    const run = spawnSync(process.execPath, ['services/inventory/main.ts'], {
      env: { ...process.env, DATABASE_URL: 'mysql://nope', LATENCY_SCALE: 'fast' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /invalid configuration for inventory: .*DATABASE_URL: expected a postgres:\/\/ URL/,
    );
    expect(run.stderr).toMatch(/LATENCY_SCALE/);
  });
});

describe('credentials from mounted files (*_FILE)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmf-credentials-'));
  const file = (name: string, content: string): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const url = 'postgres://petstore@postgres.petstore.svc.cluster.local:5432/petstore';
  const message = (env: NodeJS.ProcessEnv): string => {
    try {
      loadConfig('order', {}, env);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error('expected a ConfigError');
  };

  it('puts the password of PGPASSWORD_FILE into DATABASE_URL, percent-encoded, newline dropped', () => {
    const password = 'p@ss:w/rd%?#é';
    const c = loadConfig('order', {}, { DATABASE_URL: url, PGPASSWORD_FILE: file('pw', `${password}\n`) });
    const parsed = new URL(c.DATABASE_URL ?? '');
    expect(decodeURIComponent(parsed.password)).toBe(password);
    expect(parsed.username).toBe('petstore');
    expect(parsed.hostname).toBe('postgres.petstore.svc.cluster.local');
    expect(parsed.pathname).toBe('/petstore');
  });

  it('reads the whole URL from DATABASE_URL_FILE', () => {
    const c = loadConfig('order', {}, { DATABASE_URL_FILE: file('url', `${url}\n`) });
    expect(c.DATABASE_URL).toBe(url);
  });

  it('names the variable and the file, never the value, when a file is missing, empty or bad', () => {
    expect(message({ DATABASE_URL: url, PGPASSWORD_FILE: join(dir, 'absent') })).toMatch(
      new RegExp(`PGPASSWORD_FILE: cannot read ${join(dir, 'absent')} \\(ENOENT\\)`),
    );
    expect(message({ DATABASE_URL: url, PGPASSWORD_FILE: file('empty', '\n') })).toMatch(
      /PGPASSWORD_FILE: .*empty is empty/,
    );
    expect(message({ DATABASE_URL: url, PGPASSWORD_FILE: file('two', 'a\nb\n') })).toMatch(
      /PGPASSWORD_FILE: .*two holds more than one line/,
    );
    expect(message({ DATABASE_URL_FILE: dir })).toMatch(/DATABASE_URL_FILE: cannot read .* \(EISDIR\)/);
    const bad = message({ DATABASE_URL_FILE: file('mysql', 'mysql://u:sekrit-value@db/x') });
    expect(bad).toMatch(/DATABASE_URL: expected a postgres:\/\/ URL/);
    expect(bad).not.toMatch(/sekrit-value/);
  });

  it('refuses two sources for one credential', () => {
    expect(message({ DATABASE_URL: url, DATABASE_URL_FILE: file('url2', url) })).toMatch(
      /DATABASE_URL_FILE: set DATABASE_URL or DATABASE_URL_FILE, not both/,
    );
    const withPassword = url.replace('petstore@', 'petstore:inline@');
    expect(message({ DATABASE_URL: withPassword, PGPASSWORD_FILE: file('pw2', 'x') })).toMatch(
      /PGPASSWORD_FILE: DATABASE_URL already carries a password/,
    );
    expect(message({ PGPASSWORD_FILE: file('pw3', 'x') })).toMatch(/DATABASE_URL is not set/);
  });

  it('stops a service process at start (exit 2) when the password file is missing', () => {
    const run = spawnSync(process.execPath, ['services/inventory/main.ts'], {
      env: { ...process.env, DATABASE_URL: url, PGPASSWORD_FILE: '/var/run/secrets/postgres/absent' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /invalid configuration for inventory: PGPASSWORD_FILE: cannot read \/var\/run\/secrets\/postgres\/absent \(ENOENT\)/,
    );
  });
});

describe('correlation ids', () => {
  it('are TXN-YYYYMMDD-HHMMSS-xxxxxx, valid for the header, and unique', () => {
    const id = newCorrelationId(new Date('2026-11-21T15:30:12Z'));
    expect(id).toMatch(/^TXN-20261121-153012-[0-9a-z]{6}$/);
    // The date part is cached per second: the next second must not reuse it.
    expect(newCorrelationId(new Date('2026-11-21T15:30:13.999Z'))).toMatch(/^TXN-20261121-153013-/);
    expect(CORRELATION_ID_PATTERN.test(id)).toBe(true);
    const many = new Set(Array.from({ length: 10_000 }, () => newCorrelationId()));
    expect(many.size).toBe(10_000);
  });
});

describe('faults', () => {
  const faults = (over: Partial<ConstructorParameters<typeof Faults>[0]> = {}) =>
    new Faults({
      service: 'payment',
      enabled: true,
      headersEnabled: true,
      baseline: {},
      latencyScale: 1,
      ...over,
    });

  it('parses only this service’s entries from the header, with defaults and ranges', () => {
    expect(
      parseFaultHeader('payment.decline, inventory.unavailable, payment.latency_ms=250', 'payment'),
    ).toEqual({
      decline: 1,
      latency_ms: 250,
    });
    expect(() => parseFaultHeader('payment.decline=2', 'payment')).toThrow(/out of range/);
    expect(() => parseFaultHeader('payment.meltdown', 'payment')).toThrow(/unknown fault "meltdown"/);
    expect(() => parseFaultHeader('decline', 'payment')).toThrow(/<service>\.<fault>/);
  });

  it('layers env < admin overrides < request header, and FAULTS_ENABLED=false wins over all', () => {
    const f = faults({ baseline: { decline: 0.1 } });
    expect(f.value('decline')).toBe(0.1);
    f.setOverrides({ decline: 0.5 });
    expect(f.value('decline')).toBe(0.5);
    runWithContext({ correlationId: 'x', faultHeader: 'payment.decline=0.9' }, () =>
      expect(f.value('decline')).toBe(0.9),
    );
    const off = faults({ enabled: false, baseline: { decline: 1 } });
    runWithContext({ correlationId: 'x', faultHeader: 'payment.decline' }, () =>
      expect(off.fires('decline')).toBe(false),
    );
  });

  it('ignores the header unless header faults are enabled', () => {
    const f = faults({ headersEnabled: false });
    runWithContext({ correlationId: 'x', faultHeader: 'payment.decline' }, () =>
      expect(f.fires('decline')).toBe(false),
    );
  });

  it('fires probability faults at their rate and counts them', () => {
    let counted = 0;
    const f = faults({ baseline: { decline: 0.3 }, onInjected: () => counted++ });
    const hits = Array.from({ length: 10_000 }, () => f.fires('decline')).filter(Boolean).length;
    expect(hits / 10_000).toBeGreaterThan(0.27);
    expect(hits / 10_000).toBeLessThan(0.33);
    expect(counted).toBe(hits);
  });

  it('scales simulated delays by LATENCY_SCALE', async () => {
    const f = faults({ latencyScale: 0.01 });
    const t = performance.now();
    await f.delay(1000);
    expect(performance.now() - t).toBeLessThan(200);
  });
});
