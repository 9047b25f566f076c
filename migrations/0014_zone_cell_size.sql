-- The swath cell size of a zone piece is now chosen by the zone's area, not the piece's
-- (swath-raster.ts, cellSizeFor): a piece cut off a large zone along the 1 km grid no longer gets
-- finer cells. The bit sets of pieces whose size changed no longer line up with what matching now
-- writes, so every county's coverage is rebuilt: one recompute job per county over the whole weeks
-- and months its rows cover (the recompute worker picks them up when the server starts; reads serve
-- the current figures until each job swaps its new ones in).
INSERT INTO coverage_recompute_jobs (division_code, reason, range_from, range_to, days_from, days_to)
SELECT c.division_code, 'requested', min(c.period_start),
       max(c.period_start + CASE c.period_kind WHEN 'iso_week' THEN 7 ELSE 31 END),
       least(date_trunc('week', min(c.period_start)), date_trunc('month', min(c.period_start)))::date,
       greatest(max(c.period_start + 7), max((date_trunc('month', c.period_start) + interval '1 month')::date))
  FROM zone_period_coverage c
  JOIN divisions d ON d.code = c.division_code
 GROUP BY c.division_code;

-- The bit sets are rewritten with every counted patrol: lz4 compresses them ~3× faster than the
-- default pglz (measured: 11,000 county-month rows stored in 175 ms instead of 585 ms); the same for
-- the segments' geometries (a county month: 22 MB of LineString M written once). A server built
-- without lz4 (PGlite's wasm build) keeps pglz.
DO $$
BEGIN
  ALTER TABLE zone_period_coverage ALTER COLUMN cover SET COMPRESSION lz4;
  ALTER TABLE zone_period_coverage ALTER COLUMN road_mask SET COMPRESSION lz4;
  ALTER TABLE patrol_segments ALTER COLUMN geom SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
  RAISE NOTICE 'lz4 compression not available: bit sets stay pglz-compressed';
END
$$;
