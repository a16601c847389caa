-- Checkout funnel per channel (the channel comes from the started step; 'unknown' when it was not given).
-- A checkout counts once per step it reached; abandoned excludes checkouts that completed after all.
SELECT
    channel,
    countIf(started) AS started_checkouts,
    countIf(completed) AS completed_checkouts,
    countIf(abandoned AND NOT completed) AS abandoned_checkouts,
    round(completed_checkouts / nullIf(started_checkouts, 0), 4) AS conversion_rate
FROM
(
    SELECT
        checkout_id,
        coalesce(anyIf(channel, step = 'started'), 'unknown') AS channel,
        countIf(step = 'started') > 0 AS started,
        countIf(step = 'completed') > 0 AS completed,
        countIf(step = 'abandoned') > 0 AS abandoned
    FROM dwh.fact_checkout FINAL
    GROUP BY checkout_id
)
GROUP BY channel
ORDER BY channel
