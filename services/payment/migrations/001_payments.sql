-- One row per idempotency key: a retried charge finds its row and replays the stored result instead of
-- charging twice. A void of an unknown key leaves a 'voided' tombstone (amount 0) so a charge that
-- arrives late for a compensated order is refused.
CREATE TABLE payment_payments (
  id               text PRIMARY KEY,
  idempotency_key  text NOT NULL UNIQUE,
  request_hash     text NOT NULL,
  order_id         text,
  customer_id      text,
  amount_cents     bigint NOT NULL CHECK (amount_cents >= 0),
  status           text NOT NULL CHECK (status IN
                     ('processing', 'succeeded', 'declined', 'failed', 'fraud_rejected', 'refunded', 'voided')),
  failure_reason   text,
  card_last4       text,
  fraud_check_ms   integer,
  bank_ms          integer,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_payments_order ON payment_payments (order_id);
CREATE INDEX payment_payments_processing ON payment_payments (updated_at) WHERE status = 'processing';
