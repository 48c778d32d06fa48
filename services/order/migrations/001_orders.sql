-- Orders and the state of their saga. Non-final orders carry a lease: whoever holds an unexpired
-- lease is driving the saga; an expired lease means its driver died, and recovery takes over.
CREATE TABLE order_orders (
  id               text PRIMARY KEY,
  correlation_id   text NOT NULL,
  customer_id      text NOT NULL,
  items            jsonb NOT NULL,
  shipping_address jsonb,
  status           text NOT NULL CHECK (status IN ('pending', 'reserved', 'paid', 'confirmed', 'compensating', 'failed')),
  total_cents      bigint,
  reservation_id   text NOT NULL,
  payment_id       text,
  failure_code     text,
  failure_reason   text,
  steps            jsonb NOT NULL DEFAULT '[]',
  lease_until      timestamptz NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  completed_at     timestamptz
);
CREATE INDEX order_orders_open ON order_orders (lease_until) WHERE status NOT IN ('confirmed', 'failed');
CREATE INDEX order_orders_customer ON order_orders (customer_id, created_at DESC);
