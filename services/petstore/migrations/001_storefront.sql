-- The storefront's own state, shared by its replicas: scheduled deliveries and the customer journeys
-- (one row per journey, keyed by the correlation ID chosen at its first step; one row per step).
CREATE TABLE petstore_deliveries (
  order_id      text PRIMARY KEY,
  delivery_id   text NOT NULL,
  delivery_date date NOT NULL,
  time_window   text NOT NULL,
  instructions  text,
  scheduled_at  timestamptz NOT NULL,
  reschedules   integer NOT NULL DEFAULT 0
);

CREATE TABLE petstore_journeys (
  correlation_id text PRIMARY KEY,
  started_at     timestamptz NOT NULL DEFAULT now(),
  customer_id    text,
  converted      boolean NOT NULL DEFAULT false
);
CREATE INDEX petstore_journeys_started ON petstore_journeys (started_at);

CREATE TABLE petstore_journey_steps (
  id             bigserial PRIMARY KEY,
  correlation_id text NOT NULL REFERENCES petstore_journeys (correlation_id) ON DELETE CASCADE,
  step           text NOT NULL,
  outcome        text NOT NULL CHECK (outcome IN ('success', 'degraded', 'failure')),
  duration_ms    double precision NOT NULL,
  error_type     text,
  order_id       text,
  at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX petstore_journey_steps_journey ON petstore_journey_steps (correlation_id, id);
