-- The latest version per id (catalog §5), without the lineage columns. FINAL first collapses duplicate copies
-- of a version; LIMIT 1 BY then keeps the newest version of each id.

CREATE VIEW IF NOT EXISTS dwh.dim_customer_current AS
SELECT customer_id, email_sha256, country, city, birth_year, marketing_opt_in, valid_from, event_id
FROM dwh.dim_customer FINAL
ORDER BY customer_id, valid_from DESC
LIMIT 1 BY customer_id;

CREATE VIEW IF NOT EXISTS dwh.dim_attraction_current AS
SELECT attraction_id, name, category, venue, city, country, capacity, valid_from, event_id
FROM dwh.dim_attraction FINAL
ORDER BY attraction_id, valid_from DESC
LIMIT 1 BY attraction_id;
