-- Fact tables. Every table is a ReplacingMergeTree whose ORDER BY is exactly the grain and whose version is the
-- event time, so `SELECT ... FINAL` returns one row per grain with the latest event time winning (a tie keeps
-- the row inserted last). ORDER BY cannot carry more columns than the grain: it is the deduplication key.
--
-- PARTITION BY month of the event/sale time keeps parts per partition bounded and lets the analyst queries
-- (sales per day, failure rate per period, funnel, refunds) prune whole months. Two versions of one grain can
-- land in different months; FINAL still collapses them because it merges across partitions (do not set
-- do_not_merge_across_partitions_select_final for these tables).
--
-- _kafka_partition/_kafka_offset: lineage of each row (the dwh.<table> record it came from). They are not part of
-- the contract columns, are hidden from the *_current views, and let an operator trace a row back to Kafka.
--
-- non_replicated_deduplication_window: keeps the hashes of the last N inserted blocks so that an insert retried
-- with the same insert_deduplication_token is dropped (tokens only work on non-replicated MergeTree with it).

CREATE TABLE IF NOT EXISTS dwh.fact_ticket_sale
(
    ticket_id        String,
    checkout_id      String,
    customer_id      String,
    attraction_id    String,
    sale_ts          DateTime64(3, 'UTC'),
    sale_date_key    UInt32,
    visit_date       Date,
    price            Decimal(18, 2),
    currency         LowCardinality(String),
    ticket_type      LowCardinality(Nullable(String)),
    event_ts         DateTime64(3, 'UTC'),
    event_id         String,
    _kafka_partition UInt32,
    _kafka_offset    UInt64,
    INDEX sale_date_key_minmax sale_date_key TYPE minmax GRANULARITY 1,
    INDEX attraction_id_bloom attraction_id TYPE bloom_filter GRANULARITY 4
)
ENGINE = ReplacingMergeTree(event_ts)
PARTITION BY toYYYYMM(sale_ts)
ORDER BY ticket_id
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS dwh.fact_refund
(
    ticket_id        String,
    transaction_id   String,
    refund_amount    Decimal(18, 2),
    currency         LowCardinality(String),
    reason           Nullable(String),
    refund_ts        DateTime64(3, 'UTC'),
    event_id         String,
    _kafka_partition UInt32,
    _kafka_offset    UInt64
)
ENGINE = ReplacingMergeTree(refund_ts)
PARTITION BY toYYYYMM(refund_ts)
ORDER BY (ticket_id, transaction_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS dwh.fact_payment
(
    transaction_id   String,
    checkout_id      Nullable(String),
    customer_id      Nullable(String),
    status           LowCardinality(String),
    amount           Nullable(Decimal(18, 2)),
    currency         LowCardinality(Nullable(String)),
    processor        LowCardinality(String),
    payment_method   LowCardinality(Nullable(String)),
    card_brand       LowCardinality(Nullable(String)),
    card_last4       Nullable(String),
    failure_reason   Nullable(String),
    event_ts         DateTime64(3, 'UTC'),
    event_id         String,
    _kafka_partition UInt32,
    _kafka_offset    UInt64
)
ENGINE = ReplacingMergeTree(event_ts)
PARTITION BY toYYYYMM(event_ts)
ORDER BY (transaction_id, status)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS dwh.fact_checkout
(
    checkout_id      String,
    customer_id      String,
    step             LowCardinality(String),
    channel          LowCardinality(Nullable(String)),
    total_amount     Nullable(Decimal(18, 2)),
    currency         LowCardinality(Nullable(String)),
    ticket_count     Nullable(UInt32),
    last_step        Nullable(String),
    event_ts         DateTime64(3, 'UTC'),
    event_id         String,
    _kafka_partition UInt32,
    _kafka_offset    UInt64
)
ENGINE = ReplacingMergeTree(event_ts)
PARTITION BY toYYYYMM(event_ts)
ORDER BY (checkout_id, step)
SETTINGS non_replicated_deduplication_window = 1000;
