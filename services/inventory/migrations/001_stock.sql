-- Stock per SKU. The balance constraint makes overselling impossible at the database level:
-- units move between available, reserved and sold, and their sum is always the SKU's total.
CREATE TABLE inventory_products (
  sku          text PRIMARY KEY,
  name         text NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('pet', 'supply')),
  price_cents  bigint NOT NULL CHECK (price_cents > 0),
  available    integer NOT NULL CHECK (available >= 0),
  reserved     integer NOT NULL CHECK (reserved >= 0),
  sold         integer NOT NULL CHECK (sold >= 0),
  total        integer NOT NULL,
  CONSTRAINT stock_balance CHECK (available + reserved + sold = total)
);

-- A reservation holds units until committed (sold), released, or expired. A release of an unknown id
-- leaves a 'released' tombstone so that a late reserve with the same id is refused.
CREATE TABLE inventory_reservations (
  id             text PRIMARY KEY,
  order_id       text,
  status         text NOT NULL CHECK (status IN ('held', 'committed', 'released', 'expired')),
  total_cents    bigint NOT NULL,
  expires_at     timestamptz NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  release_reason text
);
CREATE INDEX inventory_reservations_held_expiry ON inventory_reservations (expires_at) WHERE status = 'held';

CREATE TABLE inventory_reservation_items (
  reservation_id   text NOT NULL REFERENCES inventory_reservations (id),
  sku              text NOT NULL REFERENCES inventory_products (sku),
  quantity         integer NOT NULL CHECK (quantity > 0),
  unit_price_cents bigint NOT NULL,
  PRIMARY KEY (reservation_id, sku)
);
