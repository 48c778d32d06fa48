// Table-driven bad-input checks: every case must answer the expected 4xx with a JSON error whose
// message names the problem — never a 5xx, never a hang, and the service keeps serving afterwards.
import { expect, it } from 'vitest';

export interface BadInputCase {
  name: string;
  method?: 'GET' | 'POST' | 'PUT';
  path: string;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings are sent verbatim (with content-type application/json unless given). */
  body?: unknown;
  status: number;
  message: RegExp;
}

export const ONE_MEGABYTE_JSON = JSON.stringify({ customer_id: 'x', padding: 'x'.repeat(1024 * 1024) });

export function badInputCases(baseUrl: () => string, cases: BadInputCase[]): void {
  it.each(cases)('$name -> $status', async (c) => {
    const headers: Record<string, string> = { ...c.headers };
    if (c.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${baseUrl()}${c.path}`, {
      method: c.method ?? (c.body === undefined ? 'GET' : 'POST'),
      headers,
      body: c.body === undefined ? null : typeof c.body === 'string' ? c.body : JSON.stringify(c.body),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await res.json()) as { error?: unknown; message?: unknown; correlation_id?: unknown };
    expect({ status: res.status, body }).toMatchObject({ status: c.status });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(typeof body.error).toBe('string');
    expect(String(body.message)).toMatch(c.message);
    expect(body.correlation_id).toEqual(res.headers.get('x-correlation-id'));
  });

  it('still serves after every bad request', async () => {
    const res = await fetch(`${baseUrl()}/healthz`);
    expect(res.status).toBe(200);
  });
}
