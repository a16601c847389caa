-- Refunds per refund day (UTC), attraction of the refunded ticket, reason and currency.
-- attraction_id is empty when the refunded ticket's sale is not (yet) in the warehouse.
SELECT
    toDate(r.refund_ts) AS refund_date,
    s.attraction_id AS attraction_id,
    coalesce(r.reason, 'unspecified') AS reason,
    r.currency AS currency,
    count() AS refunds,
    sum(r.refund_amount) AS refunded_amount
FROM dwh.fact_refund AS r FINAL
LEFT JOIN
(
    SELECT ticket_id, attraction_id
    FROM dwh.fact_ticket_sale FINAL
) AS s ON s.ticket_id = r.ticket_id
GROUP BY refund_date, attraction_id, reason, currency
ORDER BY refund_date, attraction_id, reason, currency
