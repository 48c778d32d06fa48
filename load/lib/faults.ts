// Deliberate failures through the service kit's per-request fault header (honoured only when the
// services run with FAULT_HEADERS_ENABLED=true). Which iterations carry a fault is spread evenly and
// deterministically over the iteration index, so even a short smoke run lands near the target share.

export const FAULT_HEADER = 'X-Fault';
/** The payment service declines the charge; the order ends "failed" with 402 payment_declined. */
export const PAYMENT_DECLINE = 'payment.decline';

/**
 * True for about `share` of all iteration indexes, evenly spread (round(n * share) of the first n).
 * Deterministic, unlike Math.random() < share, whose spread over a 20-order smoke run is +-8 points.
 */
export function injectAt(index: number, share: number): boolean {
  return Math.round((index + 1) * share) > Math.round(index * share);
}
