-- Calendar dimension, UTC dates 2015-01-01..2040-12-31, joined through fact_ticket_sale.sale_date_key.
-- weekday is ISO (1 = Monday .. 7 = Sunday). The fill skips existing keys, so re-running it adds nothing.

CREATE TABLE IF NOT EXISTS dwh.dim_date
(
    date_key   UInt32,
    date       Date,
    year       UInt16,
    quarter    UInt8,
    month      UInt8,
    day        UInt8,
    weekday    UInt8,
    is_weekend Bool
)
ENGINE = ReplacingMergeTree
ORDER BY date_key;

INSERT INTO dwh.dim_date (date_key, date, year, quarter, month, day, weekday, is_weekend)
SELECT toYYYYMMDD(d), d, toYear(d), toQuarter(d), toMonth(d), toDayOfMonth(d), toDayOfWeek(d), toDayOfWeek(d) >= 6
FROM
(
    SELECT toDate('2015-01-01') + number AS d
    FROM numbers(dateDiff('day', toDate('2015-01-01'), toDate('2040-12-31')) + 1)
)
WHERE toYYYYMMDD(d) NOT IN (SELECT date_key FROM dwh.dim_date);
