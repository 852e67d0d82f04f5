-- Order service schema (PostgreSQL)
CREATE TABLE public.orders (
    id          BIGSERIAL PRIMARY KEY,
    customer_id BIGINT      NOT NULL,
    status      VARCHAR(32) NOT NULL DEFAULT 'NEW',
    total_cents BIGINT      NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE order_lines (
    id         BIGSERIAL PRIMARY KEY,
    order_id   BIGINT  NOT NULL,
    sku        TEXT    NOT NULL,
    quantity   INTEGER NOT NULL,
    CONSTRAINT fk_order_lines_order FOREIGN KEY (order_id) REFERENCES orders (id)
);

CREATE INDEX idx_order_lines_order ON order_lines (order_id);

CREATE TABLE payments (
    id         BIGSERIAL PRIMARY KEY,
    order_id   BIGINT NOT NULL REFERENCES orders (id),
    amount     NUMERIC(12, 2) NOT NULL,
    state      TEXT NOT NULL
);

COMMENT ON TABLE orders IS 'customer orders';
