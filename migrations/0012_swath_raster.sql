-- The sight swath of a zone piece and period as a raster of 5 m cells (server/domain/coverage/swath-raster.ts)
-- instead of an exact polygon union: each counted patrol ORs its seen cells of the piece into `cover`
-- (`bit varying` over the piece's box of cells, already cut to the cells whose centres lie in the piece),
-- and the covered area is the bit count times the piece's exact area per cell. The exact union of a
-- month's noisy swaths was the dominant cost of matching; a bit set is unioned by OR.
--
-- Rows written before this migration keep their exact `swath` (and its measured areas) until the
-- recompute jobs queued below rebuild them as rasters from the stored cleaned segments.

ALTER TABLE zone_period_coverage ALTER COLUMN swath DROP NOT NULL;
ALTER TABLE zone_period_coverage
  -- seen cells of the piece, bit (row − y0)·w + (col − x0) of the piece's grid (the row sets no grid
  -- of its own: every patrol of a piece rasterises on the same one, so the sets OR bit for bit)
  ADD COLUMN cover bit varying,
  -- exact area of the piece / cells whose centres lie in it (m² per cell)
  ADD COLUMN cell_area double precision,
  -- the cells of the piece the road centre line passes through, and road length per such cell
  ADD COLUMN road_mask bit varying,
  ADD COLUMN road_cell_m double precision;

ALTER TABLE coverage_recompute_coverage ALTER COLUMN swath DROP NOT NULL;
ALTER TABLE coverage_recompute_coverage
  ADD COLUMN cover bit varying,
  ADD COLUMN cell_area double precision,
  ADD COLUMN road_mask bit varying,
  ADD COLUMN road_cell_m double precision;

DROP TRIGGER zone_period_coverage_area ON zone_period_coverage;
DROP TRIGGER zone_period_coverage_road ON zone_period_coverage;

-- Covered area and driven road length of the row, measured whenever its swath changes, so that a
-- concurrent post's union is measured once it is applied.
CREATE FUNCTION lp_zone_period_coverage_measure() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF NEW.cover IS NOT NULL THEN
    NEW.swath_area := bit_count(NEW.cover) * NEW.cell_area;
    NEW.road_seen_m := CASE WHEN NEW.road_mask IS NOT NULL AND length(NEW.road_mask) = length(NEW.cover)
                            THEN bit_count(NEW.cover & NEW.road_mask) * NEW.road_cell_m ELSE 0 END;
  ELSIF NEW.swath IS NOT NULL THEN
    NEW.swath_area := ST_Area(NEW.swath);
    NEW.road_seen_m := coalesce((SELECT ST_Length(ST_Intersection(r.road, NEW.swath))
                                   FROM zone_piece_roads r
                                  WHERE r.zone_id = NEW.zone_id AND r.srid = NEW.srid AND r.piece = NEW.piece), 0);
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER zone_period_coverage_measure BEFORE INSERT OR UPDATE OF swath, cover ON zone_period_coverage
  FOR EACH ROW EXECUTE FUNCTION lp_zone_period_coverage_measure();

-- Rebuild the exact rows of earlier versions as rasters: one recompute job per county, over the
-- whole weeks and months its rows cover (picked up by the recompute worker when the server starts).
INSERT INTO coverage_recompute_jobs (division_code, reason, range_from, range_to, days_from, days_to)
SELECT c.division_code, 'requested', min(c.period_start),
       max(c.period_start + CASE c.period_kind WHEN 'iso_week' THEN 7 ELSE 31 END),
       least(date_trunc('week', min(c.period_start)), date_trunc('month', min(c.period_start)))::date,
       greatest(max(c.period_start + 7), max((date_trunc('month', c.period_start) + interval '1 month')::date))
  FROM zone_period_coverage c
  JOIN divisions d ON d.code = c.division_code
 WHERE c.cover IS NULL
 GROUP BY c.division_code;

-- Coverage reads (coverage-queries.ts, road-coverage.ts) take a county's rows of a span by this
-- index alone (index-only scans): the rows themselves are wide now that they carry bit sets, and
-- fetching them took ~70 of ~240 ms of a county-month read.
CREATE INDEX zone_period_coverage_read_idx ON zone_period_coverage (division_code, period_start)
  INCLUDE (zone_id, period_kind, srid, swath_area, road_seen_m);
DROP INDEX zone_period_coverage_division_idx;
