-- Bookkeeping of the ClickHouse sink (not for analysts): per source topic partition, the last Kafka offset
-- whose rows are durably in their table (or dead-lettered). The sink writes one row after each successful
-- batch and skips records at or below this watermark when a partition is (re)assigned, so a replay - a new
-- consumer group, offsets reset to 0, or a restart after a crash - never writes a row twice, whatever offsets
-- the replay's batches are cut at. ReplacingMergeTree(last_offset) keeps just the newest row per partition.
-- After deleting and re-creating a topic (offsets restart at 0), delete its rows here:
--   ALTER TABLE dwh.sink_progress DELETE WHERE topic = '<topic>'

CREATE TABLE IF NOT EXISTS dwh.sink_progress
(
    topic        LowCardinality(String),
    partition    UInt32,
    first_offset UInt64,
    last_offset  UInt64,
    rows         UInt32,
    written_at   DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(last_offset)
ORDER BY (topic, partition);
