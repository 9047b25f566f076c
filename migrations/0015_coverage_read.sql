-- Coverage reads (server/routes/patrols/coverage-queries.ts) answered from indexes alone.
--
-- Counted visits per zone-period read every counted visit of the county's zones: through the plain
-- (zone_id, visit_date) index each was a heap visit (~10,600 buffers for a county-month). Carrying
-- the columns that read uses (the last exit time, and the division the row-level security policy
-- tests) makes it an index-only scan (~80 buffers).
DROP INDEX zone_visits_zone_date_idx;
CREATE INDEX zone_visits_zone_date_idx ON zone_visits (zone_id, visit_date) INCLUDE (left_at, division_code)
  WHERE counted;

-- An index-only scan still visits the heap for rows on pages not yet marked all-visible, i.e. rows
-- written since the last vacuum. Both tables are rewritten in bursts (a recompute replaces a county's
-- span; each post updates its zone pieces' rows), and with the default thresholds (20 % of the table
-- dead or inserted) a read after a burst paid a heap visit per row — of zone_period_coverage's wide
-- rows, which carry the bit sets — until autovacuum came round. 1 % keeps the visibility map fresh.
ALTER TABLE zone_period_coverage SET (autovacuum_vacuum_scale_factor = 0.01,
                                      autovacuum_vacuum_insert_scale_factor = 0.01,
                                      autovacuum_analyze_scale_factor = 0.02);
ALTER TABLE zone_visits SET (autovacuum_vacuum_scale_factor = 0.01,
                             autovacuum_vacuum_insert_scale_factor = 0.01,
                             autovacuum_analyze_scale_factor = 0.02);
