-- Zone plans (巡查区域划定方案): versioned, filed with the next level up, never overwritten.
-- A filed plan is in force from effective_from until the next filed plan's effective_from.

CREATE TABLE zone_plans (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  division_code text COLLATE "C" NOT NULL REFERENCES divisions (code),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'filed', 'superseded')),
  effective_from date NOT NULL,
  -- set when a later filed plan takes over; [effective_from, effective_to) is when it was in force
  effective_to date,
  note text,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid,
  submitted_at timestamptz,
  submitted_by uuid,
  filed_at timestamptz,
  filed_by uuid,
  filed_by_division text COLLATE "C",
  CHECK (effective_to IS NULL OR effective_to > effective_from)
);
CREATE INDEX zone_plans_division_idx ON zone_plans (division_code, status, effective_from);

CREATE TABLE zones (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  plan_id uuid NOT NULL REFERENCES zone_plans (id) ON DELETE CASCADE,
  -- the plan's county, for row-level security
  division_code text COLLATE "C" NOT NULL REFERENCES divisions (code),
  township_code text COLLATE "C" REFERENCES divisions (code),
  category text NOT NULL CHECK (category IN (
    'basic_farmland', 'urban_planning', 'urban_fringe', 'township_seat', 'main_road', 'development_zone',
    'mining_area', 'hotspot', 'other_farmland', 'village_fringe', 'village_planning', 'village_surroundings',
    'rural_road', 'other')),
  tier smallint NOT NULL CHECK (tier IN (1, 2, 3)),
  -- a tier other than the category's default needs a reason
  tier_reason text,
  name text NOT NULL DEFAULT '',
  unit_id uuid REFERENCES units (id),
  main_person_id uuid REFERENCES people (id),
  direct_person_ids uuid[] NOT NULL DEFAULT '{}',
  source text NOT NULL DEFAULT 'import' CHECK (source IN ('import', 'road', 'derived', 'drawn')),
  source_index integer,
  properties jsonb NOT NULL DEFAULT '{}',
  geom geometry(MultiPolygon, 4326) NOT NULL,
  -- ellipsoidal area, m² (ST_Area on geography); mu and ha are derived from it
  area_m2 double precision NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX zones_plan_idx ON zones (plan_id);
CREATE INDEX zones_geom_idx ON zones USING gist (geom);
CREATE INDEX zones_division_idx ON zones (division_code);

-- Road centre lines from which corridor zones are derived.
CREATE TABLE road_lines (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  plan_id uuid NOT NULL REFERENCES zone_plans (id) ON DELETE CASCADE,
  division_code text COLLATE "C" NOT NULL REFERENCES divisions (code),
  road_class text NOT NULL CHECK (road_class IN ('main', 'rural')),
  name text NOT NULL DEFAULT '',
  geom geometry(MultiLineString, 4326) NOT NULL,
  length_m double precision NOT NULL
);
CREATE INDEX road_lines_plan_idx ON road_lines (plan_id);
CREATE INDEX road_lines_geom_idx ON road_lines USING gist (geom);

ALTER TABLE zone_plans ENABLE ROW LEVEL SECURITY;
CREATE POLICY zone_plans_scope ON zone_plans
  USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));
ALTER TABLE zones ENABLE ROW LEVEL SECURITY;
CREATE POLICY zones_scope ON zones USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));
ALTER TABLE road_lines ENABLE ROW LEVEL SECURITY;
CREATE POLICY road_lines_scope ON road_lines
  USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));

GRANT SELECT, INSERT, UPDATE, DELETE ON zone_plans, zones, road_lines TO landpatrol_app;

-- Parses GeoJSON without raising: malformed input becomes NULL so one bad feature of an import can
-- be reported with its index instead of failing the whole statement.
CREATE FUNCTION lp_try_geojson(doc text) RETURNS geometry
  LANGUAGE plpgsql IMMUTABLE
  AS $$
BEGIN
  RETURN ST_SetSRID(ST_GeomFromGeoJSON(doc), 4326);
EXCEPTION WHEN others THEN
  RETURN NULL;
END
$$;
