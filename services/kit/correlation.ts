// Correlation IDs: human-readable, sortable by time and unique across pods
// (TXN-YYYYMMDD-HHMMSS-<6 random base36 chars>: 2 billion values per second).
import { randomInt } from 'node:crypto';

export const CORRELATION_HEADER = 'x-correlation-id';
/** Accepted from clients: printable, no spaces, bounded, so it is safe in logs and headers. */
export const CORRELATION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

export function newCorrelationId(now: Date = new Date()): string {
  const iso = now.toISOString(); // 2026-11-21T15:30:12.345Z
  const date = iso.slice(0, 10).replace(/-/g, '');
  const time = iso.slice(11, 19).replace(/:/g, '');
  let suffix = '';
  for (let i = 0; i < 6; i++) suffix += ALPHABET[randomInt(ALPHABET.length)];
  return `TXN-${date}-${time}-${suffix}`;
}
