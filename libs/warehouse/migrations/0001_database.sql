-- The analytics database of the event catalog (§5). Facts and dimensions live here; analysts query them
-- with FINAL (or through the *_current views) to see exactly one row per grain.
CREATE DATABASE IF NOT EXISTS dwh;
