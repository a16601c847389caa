-- Payment outcomes per processor: a transaction counts once per status it reached (FINAL keeps one row per
-- transaction and status). failure_rate = failed / (succeeded + failed), NULL when nothing was decided yet.
SELECT
    processor,
    countIf(status = 'triggered') AS triggered,
    countIf(status = 'succeeded') AS succeeded,
    countIf(status = 'failed') AS failed,
    round(failed / nullIf(succeeded + failed, 0), 4) AS failure_rate
FROM dwh.fact_payment FINAL
GROUP BY processor
ORDER BY processor
