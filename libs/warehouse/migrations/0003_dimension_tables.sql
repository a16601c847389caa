-- Dimensions keep every version of every entity (append-only history, catalog §5): the grain is
-- (id, valid_from), so a replayed or duplicated version collapses under FINAL while distinct versions stay.
-- They are small and looked up by id: no partitioning, ORDER BY the grain. Lineage columns as in the facts.

CREATE TABLE IF NOT EXISTS dwh.dim_customer
(
    customer_id      String,
    email_sha256     Nullable(String),
    country          LowCardinality(Nullable(String)),
    city             Nullable(String),
    birth_year       Nullable(UInt16),
    marketing_opt_in Nullable(Bool),
    valid_from       DateTime64(3, 'UTC'),
    event_id         String,
    _kafka_partition UInt32,
    _kafka_offset    UInt64
)
ENGINE = ReplacingMergeTree(valid_from)
ORDER BY (customer_id, valid_from)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS dwh.dim_attraction
(
    attraction_id    String,
    name             String,
    category         LowCardinality(Nullable(String)),
    venue            Nullable(String),
    city             Nullable(String),
    country          LowCardinality(Nullable(String)),
    capacity         Nullable(UInt32),
    valid_from       DateTime64(3, 'UTC'),
    event_id         String,
    _kafka_partition UInt32,
    _kafka_offset    UInt64
)
ENGINE = ReplacingMergeTree(valid_from)
ORDER BY (attraction_id, valid_from)
SETTINGS non_replicated_deduplication_window = 1000;
