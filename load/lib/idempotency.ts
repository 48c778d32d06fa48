// Retrying a POST safely: every order POST carries an Idempotency-Key, and a request whose outcome
// the client cannot know (no answer: timeout, reset, refused; a 5xx; or an answer that says "retry
// after", such as 409 while the first request with the key is still in flight) is sent again with the
// same key and the same body. The service then executes it at most once and answers every retry with
// the one outcome (services/kit/idempotency/protocol.ts).
import { sleep } from 'k6';
import type { Response } from './response.ts';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/** A fresh key: 32 random hex characters (the services accept 1-128 of A-Z a-z 0-9 _ : . -). */
export function idempotencyKey(random: () => number = Math.random): string {
  let key = '';
  for (let i = 0; i < 32; i++) key += Math.floor(random() * 16).toString(16);
  return key;
}

/** The headers with a fresh Idempotency-Key added (one per intended order, kept for its retries). */
export function withKey(headers: Readonly<Record<string, string>>): Record<string, string> {
  return { ...headers, [IDEMPOTENCY_HEADER]: idempotencyKey() };
}

function retryAfterSeconds(res: Response): number | undefined {
  for (const [name, value] of Object.entries(res.headers))
    if (name.toLowerCase() === 'retry-after') {
      const s = Number(value);
      return Number.isFinite(s) && s >= 0 ? s : undefined;
    }
  return undefined;
}

/** Whether the client cannot know the outcome yet and must send the same request again. */
export function mustRetry(res: Pick<Response, 'status' | 'headers'>): boolean {
  return res.status === 0 || res.status >= 500 || retryAfterSeconds(res as Response) !== undefined;
}

export interface RetryPolicy {
  /** Attempts in all, the first included (default 3). */
  readonly attempts?: number;
  /** Stop retrying once this many seconds have passed since the first attempt (default 30). */
  readonly deadlineSeconds?: number;
}

export interface KeyedAnswer {
  readonly res: Response;
  readonly attempts: number;
}

/**
 * Sends (send() must send the same body with the same key every time) until a final answer, the
 * attempts run out or the deadline passes; waits Retry-After when the server says so, otherwise backs
 * off 0.25 s, 0.5 s, 1 s, 2 s (with jitter, so retries of many clients do not arrive together).
 */
export function sendWithRetries(
  send: () => Response,
  policy: RetryPolicy = {},
  /** The answer to a first attempt sent otherwise (e.g. in a batch). */
  first?: Response,
): KeyedAnswer {
  const attempts = policy.attempts ?? 3;
  const deadline = Date.now() + (policy.deadlineSeconds ?? 30) * 1000;
  let res = first ?? send();
  let n = 1;
  while (mustRetry(res) && n < attempts && Date.now() < deadline) {
    const backoff = Math.min(2, 0.25 * 2 ** (n - 1)) * (0.75 + Math.random() * 0.5);
    sleep(Math.min(5, retryAfterSeconds(res) ?? backoff));
    res = send();
    n++;
  }
  return { res, attempts: n };
}
