-- Road-length coverage of road zones (公路干线两侧 main_road, 乡村道路两侧 rural_road): the share of
-- the zone's road centre line (road_lines of its plan, of the zone's road class) within the sight
-- radius of the period's counted tracks (design.md, "Coverage definitions": spatial coverage).
--
-- Kept current as patrols are matched, never computed from raw points on read:
-- - zone_piece_roads holds the centre line inside each zone piece (zone_pieces) in the metric CRS,
--   filled once per (zone, srid) when the zone is first prepared for matching (zone_road_metric marks
--   that and holds the whole zone's road length, the denominator);
-- - zone_period_coverage already keeps, per piece and period, the exact union of the counted swaths;
--   a trigger measures the road inside that union (road_seen_m) whenever the union changes, so the
--   period's driven length is the sum over its pieces, like its covered area.

CREATE TABLE zone_road_metric (
  zone_id uuid NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
  srid integer NOT NULL,
  division_code text COLLATE "C" NOT NULL,
  -- road centre line inside the zone, metres in srid (0: a road-category zone without road lines)
  road_length double precision NOT NULL,
  PRIMARY KEY (zone_id, srid)
);

CREATE TABLE zone_piece_roads (
  zone_id uuid NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
  srid integer NOT NULL,
  piece integer NOT NULL,
  division_code text COLLATE "C" NOT NULL,
  -- (Multi)LineString in srid
  road geometry NOT NULL,
  PRIMARY KEY (zone_id, srid, piece)
);

ALTER TABLE zone_period_coverage ADD COLUMN road_seen_m double precision NOT NULL DEFAULT 0;

CREATE FUNCTION lp_zone_period_coverage_road() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  NEW.road_seen_m := coalesce((SELECT ST_Length(ST_Intersection(r.road, NEW.swath))
                                 FROM zone_piece_roads r
                                WHERE r.zone_id = NEW.zone_id AND r.srid = NEW.srid AND r.piece = NEW.piece), 0);
  RETURN NEW;
END
$$;
CREATE TRIGGER zone_period_coverage_road BEFORE INSERT OR UPDATE OF swath ON zone_period_coverage
  FOR EACH ROW EXECUTE FUNCTION lp_zone_period_coverage_road();

ALTER TABLE zone_road_metric ENABLE ROW LEVEL SECURITY;
CREATE POLICY zone_road_metric_scope ON zone_road_metric
  USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));
ALTER TABLE zone_piece_roads ENABLE ROW LEVEL SECURITY;
CREATE POLICY zone_piece_roads_scope ON zone_piece_roads
  USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));

GRANT SELECT, INSERT, UPDATE, DELETE ON zone_road_metric, zone_piece_roads TO landpatrol_app;
