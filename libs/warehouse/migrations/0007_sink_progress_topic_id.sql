-- Sink progress per incarnation of the source topic: Kafka's topic id. A topic that is deleted and created again
-- (or a cluster rebuilt without its data) starts its offsets over under a new id, and progress recorded for the
-- old one must not make the sink skip the new records. The id is part of the sorting key, so ReplacingMergeTree
-- keeps the newest row per incarnation (a key cannot take an existing column later, hence a new table).
-- Rows copied from dwh.sink_progress have topic_id '' and count for whatever incarnation the sink finds first
-- (libs/warehouse/src/progress.ts). dwh.sink_progress is left as it was; nothing writes it any more.

CREATE TABLE IF NOT EXISTS dwh.sink_progress_v2
(
    topic        LowCardinality(String),
    partition    UInt32,
    topic_id     String,
    first_offset UInt64,
    last_offset  UInt64,
    rows         UInt32,
    written_at   DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(last_offset)
ORDER BY (topic, partition, topic_id);

INSERT INTO dwh.sink_progress_v2 (topic, partition, topic_id, first_offset, last_offset, rows, written_at)
SELECT topic, partition, '', first_offset, last_offset, rows, written_at
FROM dwh.sink_progress
WHERE (topic, partition) NOT IN (SELECT topic, partition FROM dwh.sink_progress_v2);
