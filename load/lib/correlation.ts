// Correlation IDs in the services' own format, TXN-YYYYMMDD-HHMMSS-xxxxxx (UTC, 6 base36 chars), so
// a load-generated transaction looks exactly like one the kit creates and can be grepped across logs.

export const CORRELATION_ID_PATTERN = /^TXN-\d{8}-\d{6}-[0-9a-z]{6}$/;

const pad = (n: number): string => String(n).padStart(2, '0');

export function correlationId(now: Date = new Date(), random: () => number = Math.random): string {
  const date = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}`;
  const time = `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
  let suffix = '';
  for (let i = 0; i < 6; i++) suffix += Math.floor(random() * 36).toString(36);
  return `TXN-${date}-${time}-${suffix}`;
}
