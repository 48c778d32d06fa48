-- Exactly-once checkout. idempotency_key: the client's Idempotency-Key (scoped by customer_id), so
-- the audit can prove that no key ever produced two orders. lease_owner fences the saga: only the
-- driver that holds the lease may move the order on, so a driver that lost its lease (it stalled
-- longer than the lease, and recovery took over) cannot overwrite the new driver's decisions.
-- failure_status: the HTTP status the failure was answered with, to answer a retried request alike.
ALTER TABLE order_orders
  ADD COLUMN idempotency_key text,
  ADD COLUMN lease_owner     text,
  ADD COLUMN failure_status  integer;
CREATE INDEX order_orders_idempotency_key ON order_orders (customer_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
