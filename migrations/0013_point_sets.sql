-- Raw points as one row per patrol and month, the points as arrays, instead of one row per point.
--
-- A row per point cost a heap tuple, a primary-key entry and a JSON record to unpack for every fix:
-- ~30 ms per 2,000 points, more than a whole post may take. The arrays of a set are written as a
-- few TOAST chunks and read back whole, which is all anyone does with raw points (the ledger lists a
-- patrol's dropped fixes; benchmarks and tests read a patrol's or a span's points). The view
-- patrol_points below keeps the old shape for those readers.

-- The points of one patrol whose fix times fall in one UTC month (a patrol across a month boundary
-- has two sets), in input order. Partitioned by that month, as patrol_points was; monthly partitions
-- are created on demand by lp_ensure_point_sets_partition, anything else lands in the default
-- partition. No foreign key to patrols, as before: sets are only ever written in the transaction
-- that writes their patrol.
CREATE TABLE patrol_point_sets (
  patrol_id uuid NOT NULL,
  division_code text COLLATE "C" NOT NULL,
  -- first instant of the UTC month every fix of the set falls in
  month_start timestamptz NOT NULL,
  -- per point, all of one length: its index in the input
  seq integer[] NOT NULL,
  -- the fix time, epoch milliseconds (as the old insert read them: to_timestamp(ms / 1000))
  fixed_ms double precision[] NOT NULL,
  lon double precision[] NOT NULL,
  lat double precision[] NOT NULL,
  accuracy real[] NOT NULL,
  -- the cleaned segment a kept point belongs to (NULL for a dropped point)
  segment integer[] NOT NULL,
  -- why a point was dropped; NULL for a kept point
  drop_reason text[] NOT NULL,
  CHECK (cardinality(seq) >= 1 AND cardinality(fixed_ms) = cardinality(seq) AND cardinality(lon) = cardinality(seq)
         AND cardinality(lat) = cardinality(seq) AND cardinality(accuracy) = cardinality(seq)
         AND cardinality(segment) = cardinality(seq) AND cardinality(drop_reason) = cardinality(seq)),
  CHECK (array_remove(drop_reason, NULL)
         <@ ARRAY['duplicate', 'duplicate_time', 'inaccurate', 'outlier', 'isolated', 'invalid']::text[]),
  PRIMARY KEY (patrol_id, month_start)
) PARTITION BY RANGE (month_start);
CREATE TABLE patrol_point_sets_default PARTITION OF patrol_point_sets DEFAULT;

-- Random doubles do not compress: without this, every array over ~2 kB is first run through pglz
-- (which gives up after the attempt) before it is moved out of line. Partitions inherit the setting.
ALTER TABLE patrol_point_sets
  ALTER COLUMN seq SET STORAGE EXTERNAL,
  ALTER COLUMN fixed_ms SET STORAGE EXTERNAL,
  ALTER COLUMN lon SET STORAGE EXTERNAL,
  ALTER COLUMN lat SET STORAGE EXTERNAL,
  ALTER COLUMN accuracy SET STORAGE EXTERNAL,
  ALTER COLUMN segment SET STORAGE EXTERNAL,
  ALTER COLUMN drop_reason SET STORAGE EXTERNAL;

-- Creates the month partition of patrol_point_sets that holds `month_start` (UTC month), if missing.
-- Runs as the owner (API requests run as landpatrol_app, which may not create tables). Rows already
-- in the default partition for that month are moved in first, since a new partition may not overlap
-- rows of the default. A concurrent creator of the same month loses the race harmlessly.
CREATE FUNCTION lp_ensure_point_sets_partition(month_start timestamptz) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = public, pg_temp
  AS $$
DECLARE
  lo timestamptz := date_trunc('month', month_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
  hi timestamptz := (date_trunc('month', month_start AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC';
  part text := 'patrol_point_sets_' || to_char(month_start AT TIME ZONE 'UTC', '"y"YYYY"m"MM');
BEGIN
  IF to_regclass(part) IS NOT NULL THEN
    RETURN;
  END IF;
  BEGIN
    IF EXISTS (SELECT 1 FROM patrol_point_sets_default s WHERE s.month_start >= lo AND s.month_start < hi) THEN
      EXECUTE format('CREATE TABLE %I (LIKE patrol_point_sets INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)', part);
      EXECUTE format('WITH moved AS (DELETE FROM patrol_point_sets_default WHERE month_start >= %L AND month_start < %L RETURNING *)
                      INSERT INTO %I SELECT * FROM moved', lo, hi, part);
      EXECUTE format('ALTER TABLE patrol_point_sets ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
    ELSE
      EXECUTE format('CREATE TABLE %I PARTITION OF patrol_point_sets FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
    END IF;
  EXCEPTION WHEN duplicate_table OR unique_violation OR invalid_object_definition THEN
    -- another transaction created it first
    NULL;
  END;
END
$$;
REVOKE ALL ON FUNCTION lp_ensure_point_sets_partition(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION lp_ensure_point_sets_partition(timestamptz) TO landpatrol_app;

ALTER TABLE patrol_point_sets ENABLE ROW LEVEL SECURITY;
CREATE POLICY patrol_point_sets_scope ON patrol_point_sets
  USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));
GRANT SELECT, INSERT, UPDATE, DELETE ON patrol_point_sets TO landpatrol_app;

-- The months that had their own partition of patrol_points get one here too (points of the
-- default partition stay in the default), then every point moves into its set, in input order.
SELECT lp_ensure_point_sets_partition(m.month_start)
  FROM (SELECT DISTINCT date_trunc('month', fixed_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS month_start
          FROM patrol_points
         WHERE tableoid <> 'patrol_points_default'::regclass) AS m;

INSERT INTO patrol_point_sets (patrol_id, division_code, month_start, seq, fixed_ms, lon, lat, accuracy, segment,
                               drop_reason)
SELECT patrol_id, division_code, date_trunc('month', fixed_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
       array_agg(seq ORDER BY seq), array_agg(extract(epoch FROM fixed_at)::float8 * 1000 ORDER BY seq),
       array_agg(lon ORDER BY seq), array_agg(lat ORDER BY seq), array_agg(accuracy ORDER BY seq),
       array_agg(segment ORDER BY seq), array_agg(drop_reason ORDER BY seq)
  FROM patrol_points
 GROUP BY patrol_id, division_code, date_trunc('month', fixed_at AT TIME ZONE 'UTC');

DROP TABLE patrol_points;
DROP FUNCTION lp_ensure_patrol_points_partition(timestamptz);

-- The old table's columns, one row per point, for readers that want rows. security_invoker: the
-- policy of patrol_point_sets applies to whoever reads the view, not to the view's owner (who
-- bypasses it), so a county's caller sees only its county's points. Reads by patrol_id reach the
-- primary key of each partition; the set's arrays are unnested whole.
CREATE VIEW patrol_points WITH (security_invoker = true) AS
SELECT s.patrol_id, s.division_code, p.seq, to_timestamp(p.t / 1000) AS fixed_at, p.lon, p.lat, p.accuracy,
       p.drop_reason IS NULL AS kept, p.segment, p.drop_reason
  FROM patrol_point_sets s,
       unnest(s.seq, s.fixed_ms, s.lon, s.lat, s.accuracy, s.segment, s.drop_reason)
         AS p(seq, t, lon, lat, accuracy, segment, drop_reason);
GRANT SELECT ON patrol_points TO landpatrol_app;
