-- A zone piece's raster (its cell masks, the grid they lie on, its polygons and road mask; see
-- server/routes/patrols/piece-raster-blob.ts), stored when the piece's county is prepared (at
-- filing), so that matching reads it instead of computing it from the piece's shape in every process
-- that matches: in a month's bulk load each of its threads computed all ~12,000 of a county's. NULL
-- for pieces prepared before this migration: they are rasterized from their shape, as before, until
-- their county is prepared again.
ALTER TABLE zone_pieces ADD COLUMN raster bytea;
-- masks are mostly runs of set bits: lz4 where the server has it (PGlite's build keeps pglz)
DO $$
BEGIN
  ALTER TABLE zone_pieces ALTER COLUMN raster SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
  RAISE NOTICE 'lz4 compression not available: piece rasters stay pglz-compressed';
END
$$;
