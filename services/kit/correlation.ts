// Correlation IDs: human-readable, sortable by time and unique across pods
// (TXN-YYYYMMDD-HHMMSS-<6 random base36 chars>: 2 billion values per second).
// Every request without one gets one, so this is on the hot path: the date part is formatted once per
// second, and the random part comes from a pool of random bytes refilled 1,024 ids at a time.
import { randomFillSync } from 'node:crypto';

export const CORRELATION_HEADER = 'x-correlation-id';
/** Accepted from clients: printable, no spaces, bounded, so it is safe in logs and headers. */
export const CORRELATION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

const SUFFIX_VALUES = 36 ** 6;
/** 6 bytes per id: 2^48 / 36^6 leaves a modulo bias below 1e-5. */
const BYTES_PER_ID = 6;
const pool = Buffer.alloc(BYTES_PER_ID * 1024);
let offset = pool.length;

function randomSuffix(): string {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const n = pool.readUIntBE(offset, BYTES_PER_ID) % SUFFIX_VALUES;
  offset += BYTES_PER_ID;
  return n.toString(36).padStart(6, '0');
}

let prefixSecond = Number.NaN;
let prefix = '';

function datePrefix(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== prefixSecond) {
    const iso = new Date(second * 1000).toISOString(); // 2026-11-21T15:30:12.000Z
    prefix = `TXN-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-`;
    prefixSecond = second;
  }
  return prefix;
}

export function newCorrelationId(now: Date | number = Date.now()): string {
  return datePrefix(typeof now === 'number' ? now : now.getTime()) + randomSuffix();
}
