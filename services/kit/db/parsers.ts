// Result parsing shared by both backends, so a row looks the same on PGlite and on `pg`:
// - int8 (bigint, count(*), sum of integers) -> number; a value beyond 2^53 throws instead of rounding.
// - numeric -> string (exact; both backends' default). Store money as integer cents instead.
// - date -> 'YYYY-MM-DD' string (pg would build a local-midnight Date, PGlite a UTC one).
// - timestamp without time zone -> Date read as UTC (use timestamptz anyway).
// - timestamptz -> Date, json/jsonb -> parsed value (both backends' default).

export const TypeOid = {
  int8: 20,
  numeric: 1700,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
} as const;

export function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(`bigint value ${value} is beyond Number.MAX_SAFE_INTEGER; cast it to text in SQL`);
  }
  return n;
}

export function parseDate(value: string): string {
  return value;
}

export function parseTimestampAsUtc(value: string): Date | string {
  if (value === 'infinity' || value === '-infinity') return value;
  return new Date(`${value.replace(' ', 'T')}Z`);
}

/** Parsers by type OID, overriding each backend's own. */
export const sharedParsers: Readonly<Record<number, (value: string) => unknown>> = {
  [TypeOid.int8]: parseInt8,
  [TypeOid.date]: parseDate,
  [TypeOid.timestamp]: parseTimestampAsUtc,
};
