-- Tickets sold and gross revenue per attraction and sale day (UTC), with the attraction's current name.
-- One row per (day, attraction, currency): amounts in different currencies are never added up.
SELECT
    s.sale_date_key AS date_key,
    d.date AS sale_date,
    s.attraction_id AS attraction_id,
    a.name AS attraction_name,
    s.currency AS currency,
    count() AS tickets_sold,
    sum(s.price) AS revenue
FROM dwh.fact_ticket_sale AS s FINAL
LEFT JOIN dwh.dim_date AS d ON d.date_key = s.sale_date_key
LEFT JOIN dwh.dim_attraction_current AS a ON a.attraction_id = s.attraction_id
GROUP BY date_key, sale_date, attraction_id, attraction_name, currency
ORDER BY date_key, attraction_id, currency
