-- Patrols (巡查台帐) and what matching derives from them: cleaned segments, zone visits, coverage
-- cells and per zone × period sight-swath coverage. Raw points are kept, partitioned by month.
--
-- Reads of coverage use only the derived tables (zone_visits, zone_period_coverage, patrol_cells):
-- their size grows with zones × periods and patrols, never with the number of raw points.
-- Every table carries the county code (division_code) for row-level security and, later, as the
-- distribution key (design.md, "Growing past one machine").

CREATE TABLE patrols (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- the county of the unit: the idempotency scope and the key everything derived is filed under
  division_code text COLLATE "C" NOT NULL REFERENCES divisions (code),
  unit_id uuid NOT NULL REFERENCES units (id),
  external_id text NOT NULL CHECK (length(external_id) BETWEEN 1 AND 200),
  kind text NOT NULL CHECK (kind IN ('routine', 'supervision', 'special')),
  -- people ids, checked against the unit's county when posted (an array cannot carry a foreign key)
  staff uuid[] NOT NULL,
  staff_count integer NOT NULL CHECK (staff_count >= 0),
  -- first and last kept fix
  started_at timestamptz NOT NULL,
  ended_at timestamptz NOT NULL CHECK (ended_at >= started_at),
  -- first and last fix of everything received (kept or dropped): bounds the raw-point partitions to read
  points_from timestamptz NOT NULL,
  points_to timestamptz NOT NULL,
  input_format text NOT NULL CHECK (input_format IN ('geojson', 'gpx', 'csv')),
  crs text NOT NULL,
  -- sha-256 of the canonical posted content (metadata + points as received): same external_id and
  -- same hash is a replay (200), a different hash a conflict (409)
  content_hash text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
  points_received integer NOT NULL,
  points_kept integer NOT NULL,
  -- {outliers, duplicates, inaccurate, invalid, isolated}
  dropped jsonb NOT NULL,
  reordered integer NOT NULL,
  segment_count integer NOT NULL,
  length_m double precision NOT NULL,
  duration_s double precision NOT NULL,
  -- false when fewer than the minimum staff went (recorded, flagged, not counted)
  counts_for_frequency boolean NOT NULL,
  flags text[] NOT NULL DEFAULT '{}',
  warnings text[] NOT NULL DEFAULT '{}',
  -- the metric CRS (CGCS2000 3° Gauss–Krüger zone of the county, UTM outside China) used for
  -- swaths, clipped lengths and grid cells
  metric_srid integer NOT NULL,
  posted_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (division_code, external_id)
);
CREATE INDEX patrols_division_started_idx ON patrols (division_code, started_at);
CREATE INDEX patrols_unit_started_idx ON patrols (unit_id, started_at);

-- Every point as received (converted to WGS84), kept or dropped with its reason. Partitioned by
-- month of fix time (UTC months); monthly partitions are created on demand by
-- lp_ensure_patrol_points_partition, anything else lands in the default partition. No foreign key
-- to patrols: a per-row check would cost more than the rest of the insert, and points are only
-- ever written in the transaction that writes their patrol.
CREATE TABLE patrol_points (
  patrol_id uuid NOT NULL,
  division_code text COLLATE "C" NOT NULL,
  -- the point's index in the input
  seq integer NOT NULL,
  -- the fix time
  fixed_at timestamptz NOT NULL,
  lon double precision NOT NULL,
  lat double precision NOT NULL,
  accuracy real,
  kept boolean NOT NULL,
  -- the cleaned segment a kept point belongs to
  segment integer,
  drop_reason text CHECK (drop_reason IN ('duplicate', 'duplicate_time', 'inaccurate', 'outlier', 'isolated', 'invalid')),
  CHECK (kept = (drop_reason IS NULL)),
  PRIMARY KEY (patrol_id, seq, fixed_at)
) PARTITION BY RANGE (fixed_at);
CREATE TABLE patrol_points_default PARTITION OF patrol_points DEFAULT;

-- The cleaned track, one row per segment (no line is ever drawn across a gap). M is the fix time in
-- epoch seconds, so the time at any place on the line interpolates between its two fixes.
CREATE TABLE patrol_segments (
  patrol_id uuid NOT NULL REFERENCES patrols (id) ON DELETE CASCADE,
  seq integer NOT NULL,
  division_code text COLLATE "C" NOT NULL,
  geom geometry(LineStringM, 4326) NOT NULL,
  started_at timestamptz NOT NULL,
  ended_at timestamptz NOT NULL,
  point_count integer NOT NULL,
  length_m double precision NOT NULL,
  PRIMARY KEY (patrol_id, seq)
);
CREATE INDEX patrol_segments_geom_idx ON patrol_segments USING gist (geom);

-- A patrol's contact with a zone on one Beijing day: one row however often it went in and out.
-- Rows whose track crossed the zone without meeting the visit rule are kept too (qualifies = false),
-- so the ledger can say why a patrol did not count.
CREATE TABLE zone_visits (
  patrol_id uuid NOT NULL REFERENCES patrols (id) ON DELETE CASCADE,
  zone_id uuid NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
  visit_date date NOT NULL,
  division_code text COLLATE "C" NOT NULL,
  -- copied from the zone and the patrol so coverage reads need no joins
  tier smallint NOT NULL,
  unit_id uuid NOT NULL,
  kind text NOT NULL,
  staff_count integer NOT NULL,
  entered_at timestamptz NOT NULL,
  left_at timestamptz NOT NULL,
  clipped_length_m double precision NOT NULL,
  dwell_s double precision NOT NULL,
  -- share of the zone inside this patrol's sight swath that day
  swath_share double precision NOT NULL,
  -- the visit rule (swath share or dwell time) is met
  qualifies boolean NOT NULL,
  -- qualifies and the patrol counts for frequency
  counted boolean NOT NULL,
  -- why not counted: 'understaffed', 'below_threshold'
  reason text,
  PRIMARY KEY (patrol_id, zone_id, visit_date)
);
CREATE INDEX zone_visits_zone_date_idx ON zone_visits (zone_id, visit_date) WHERE counted;
CREATE INDEX zone_visits_division_date_idx ON zone_visits (division_code, visit_date);

-- Heat: 100 m cells of the metric grid (easting/northing ÷ 100, floored) within the sight radius of
-- a patrol's track, with the track length and time inside each (0 for cells only seen from a
-- neighbour). lp_grid_cell_geom turns a cell back into a polygon. Keyed for the heat map's reads (a
-- county's cells in a window of the grid); a patrol's own cells never change (they depend on its
-- track, not on the zones), so there is no index by patrol.
CREATE TABLE patrol_cells (
  division_code text COLLATE "C" NOT NULL,
  srid integer NOT NULL,
  cell_x integer NOT NULL,
  cell_y integer NOT NULL,
  visit_date date NOT NULL,
  -- no foreign key, as for patrol_points: thousands of rows per post, written with their patrol
  patrol_id uuid NOT NULL,
  length_m double precision NOT NULL,
  time_s double precision NOT NULL,
  PRIMARY KEY (division_code, srid, cell_x, cell_y, visit_date, patrol_id)
);

CREATE FUNCTION lp_grid_cell_geom(srid integer, cell_x integer, cell_y integer, size_m double precision DEFAULT 100)
  RETURNS geometry
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT ST_Transform(ST_MakeEnvelope(cell_x * size_m, cell_y * size_m, (cell_x + 1) * size_m,
                                            (cell_y + 1) * size_m, srid), 4326) $$;

-- Zones in the metric CRS, cut along a 1 km grid and then into pieces of at most 256 vertices: a
-- patrol is matched against the few small pieces its swath reaches instead of whole zones (a tier-3
-- remainder covers a township, has thousands of vertices, and every patrol crosses it), and each
-- piece's coverage union (below) stays small however many patrols a month brings. Filled on first
-- use per (zone, srid); derived, never edited.
CREATE TABLE zone_metric (
  zone_id uuid NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
  srid integer NOT NULL,
  division_code text COLLATE "C" NOT NULL,
  -- planar area in srid: a share is a ratio of two areas in the same projection
  area double precision NOT NULL,
  pieces integer NOT NULL,
  PRIMARY KEY (zone_id, srid)
);
CREATE TABLE zone_pieces (
  zone_id uuid NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
  srid integer NOT NULL,
  piece integer NOT NULL,
  division_code text COLLATE "C" NOT NULL,
  -- the 1 km grid cell the piece lies in (floor(x / 1000), floor(y / 1000) in srid): a patrol's legs
  -- are bucketed by the same cells, so matching is a hash join instead of legs × pieces tests
  cell_i integer NOT NULL,
  cell_j integer NOT NULL,
  geom geometry NOT NULL,
  PRIMARY KEY (zone_id, srid, piece)
);
CREATE INDEX zone_pieces_cell_idx ON zone_pieces (srid, cell_i, cell_j);

-- Spatial coverage per zone piece and period: the exact union of the sight swaths of counted
-- patrols clipped to the piece, kept up to date on each post (ST_Union with the new clip), in the
-- metric CRS. Pieces do not overlap, so a zone-period's covered area is the sum over its pieces, and
-- its share is that sum / zone_metric.area: a read touches these small rows, never raw points.
CREATE TABLE zone_period_coverage (
  zone_id uuid NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
  period_kind text NOT NULL CHECK (period_kind IN ('iso_week', 'month')),
  -- Monday of the ISO week or the first of the month
  period_start date NOT NULL,
  -- the piece (zone_pieces) in the metric CRS srid
  srid integer NOT NULL,
  piece integer NOT NULL,
  division_code text COLLATE "C" NOT NULL,
  swath geometry NOT NULL,
  -- set by trigger from swath, so a concurrent post's union is measured once, after it is applied
  swath_area double precision NOT NULL DEFAULT 0,
  patrols integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (zone_id, period_kind, period_start, srid, piece)
);
CREATE INDEX zone_period_coverage_division_idx ON zone_period_coverage (division_code, period_start);

CREATE FUNCTION lp_zone_period_coverage_area() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  NEW.swath_area := ST_Area(NEW.swath);
  RETURN NEW;
END
$$;
CREATE TRIGGER zone_period_coverage_area BEFORE INSERT OR UPDATE OF swath ON zone_period_coverage
  FOR EACH ROW EXECUTE FUNCTION lp_zone_period_coverage_area();

-- Creates the month partition of patrol_points that holds `month_start` (UTC month), if missing.
-- Runs as the owner (API requests run as landpatrol_app, which may not create tables). Rows already
-- in the default partition for that month are moved in first, since a new partition may not overlap
-- rows of the default. A concurrent creator of the same month loses the race harmlessly.
CREATE FUNCTION lp_ensure_patrol_points_partition(month_start timestamptz) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = public, pg_temp
  AS $$
DECLARE
  lo timestamptz := date_trunc('month', month_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
  hi timestamptz := (date_trunc('month', month_start AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC';
  part text := 'patrol_points_' || to_char(month_start AT TIME ZONE 'UTC', '"y"YYYY"m"MM');
BEGIN
  IF to_regclass(part) IS NOT NULL THEN
    RETURN;
  END IF;
  BEGIN
    IF EXISTS (SELECT 1 FROM patrol_points_default WHERE fixed_at >= lo AND fixed_at < hi) THEN
      EXECUTE format('CREATE TABLE %I (LIKE patrol_points INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
      EXECUTE format('WITH moved AS (DELETE FROM patrol_points_default WHERE fixed_at >= %L AND fixed_at < %L RETURNING *)
                      INSERT INTO %I SELECT * FROM moved', lo, hi, part);
      EXECUTE format('ALTER TABLE patrol_points ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
    ELSE
      EXECUTE format('CREATE TABLE %I PARTITION OF patrol_points FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
    END IF;
  EXCEPTION WHEN duplicate_table OR unique_violation OR invalid_object_definition THEN
    -- another transaction created it first
    NULL;
  END;
END
$$;
REVOKE ALL ON FUNCTION lp_ensure_patrol_points_partition(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION lp_ensure_patrol_points_partition(timestamptz) TO landpatrol_app;

ALTER TABLE patrols ENABLE ROW LEVEL SECURITY;
CREATE POLICY patrols_scope ON patrols USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));
ALTER TABLE patrol_points ENABLE ROW LEVEL SECURITY;
CREATE POLICY patrol_points_scope ON patrol_points
  USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));
ALTER TABLE patrol_segments ENABLE ROW LEVEL SECURITY;
CREATE POLICY patrol_segments_scope ON patrol_segments
  USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));
ALTER TABLE zone_visits ENABLE ROW LEVEL SECURITY;
CREATE POLICY zone_visits_scope ON zone_visits
  USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));
ALTER TABLE patrol_cells ENABLE ROW LEVEL SECURITY;
CREATE POLICY patrol_cells_scope ON patrol_cells
  USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));
ALTER TABLE zone_metric ENABLE ROW LEVEL SECURITY;
CREATE POLICY zone_metric_scope ON zone_metric
  USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));
ALTER TABLE zone_pieces ENABLE ROW LEVEL SECURITY;
CREATE POLICY zone_pieces_scope ON zone_pieces
  USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));
ALTER TABLE zone_period_coverage ENABLE ROW LEVEL SECURITY;
CREATE POLICY zone_period_coverage_scope ON zone_period_coverage
  USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));

GRANT SELECT, INSERT, UPDATE, DELETE ON patrols, patrol_points, patrol_segments, zone_visits, patrol_cells,
  zone_metric, zone_pieces, zone_period_coverage TO landpatrol_app;
