-- Core schema: administrative divisions, units, people, API tokens, and row-level security that
-- limits every query made on behalf of a caller to the caller's division and those below it.

CREATE EXTENSION IF NOT EXISTS postgis;

-- The role every API request runs as (SET LOCAL ROLE inside its transaction). Roles are global to
-- the cluster: several databases (tests) may race to create it, hence the exception handler.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'landpatrol_app') THEN
    CREATE ROLE landpatrol_app NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END
$$;

-- A non-superuser owner must be a member to SET ROLE to it.
DO $$
BEGIN
  EXECUTE format('GRANT landpatrol_app TO %I', current_user);
EXCEPTION WHEN others THEN
  NULL;
END
$$;

-- The caller's scope: a code prefix ('' for the whole country, '51' for a province, '5101' for a
-- city, the full code below that). Unset (NULL) denies everything.
CREATE FUNCTION lp_scope() RETURNS text
  LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('landpatrol.scope', true), '-') $$;

CREATE FUNCTION lp_in_scope(code text) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$ SELECT starts_with(code, lp_scope()) $$;

-- GB/T 2260 code → the prefix shared by it and everything below it.
CREATE FUNCTION lp_scope_prefix(code text) RETURNS text
  LANGUAGE sql IMMUTABLE
  AS $$
    SELECT CASE
      WHEN code = '000000' THEN ''
      WHEN length(code) = 6 AND right(code, 4) = '0000' THEN left(code, 2)
      WHEN length(code) = 6 AND right(code, 2) = '00' THEN left(code, 4)
      ELSE code
    END
  $$;

CREATE TABLE divisions (
  code text COLLATE "C" PRIMARY KEY CHECK (code ~ '^([0-9]{6}|[0-9]{9}|[0-9]{12})$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  level text NOT NULL CHECK (level IN ('country', 'province', 'city', 'county', 'township', 'village')),
  parent_code text COLLATE "C" REFERENCES divisions (code),
  boundary geometry(MultiPolygon, 4326),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX divisions_parent_idx ON divisions (parent_code);
CREATE INDEX divisions_boundary_idx ON divisions USING gist (boundary);

INSERT INTO divisions (code, name, level, parent_code) VALUES ('000000', '全国', 'country', NULL);

CREATE TABLE units (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  kind text NOT NULL CHECK (kind IN ('station', 'team')),
  division_code text COLLATE "C" NOT NULL REFERENCES divisions (code),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (division_code, name)
);
CREATE INDEX units_division_idx ON units (division_code);

CREATE TABLE people (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
  unit_id uuid NOT NULL REFERENCES units (id),
  -- copied from the unit so the row-level policy needs no join
  division_code text COLLATE "C" NOT NULL REFERENCES divisions (code),
  certificate_no text UNIQUE,
  roles text[] NOT NULL DEFAULT '{}',
  phone text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX people_unit_idx ON people (unit_id);
CREATE INDEX people_division_idx ON people (division_code);

CREATE TABLE api_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  label text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'planner', 'supervisor', 'patroller', 'device', 'viewer')),
  division_code text COLLATE "C" NOT NULL REFERENCES divisions (code),
  person_id uuid REFERENCES people (id),
  -- sha-256 of the secret; the secret itself is shown once and never stored
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  last_used_at timestamptz
);
CREATE INDEX api_tokens_division_idx ON api_tokens (division_code);

-- Background jobs' progress (demo load, recomputes); system use only, no grants.
CREATE TABLE app_state (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE divisions ENABLE ROW LEVEL SECURITY;
CREATE POLICY divisions_scope ON divisions USING (lp_in_scope(code)) WITH CHECK (lp_in_scope(code));
ALTER TABLE units ENABLE ROW LEVEL SECURITY;
CREATE POLICY units_scope ON units USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));
ALTER TABLE people ENABLE ROW LEVEL SECURITY;
CREATE POLICY people_scope ON people USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));
ALTER TABLE api_tokens ENABLE ROW LEVEL SECURITY;
CREATE POLICY api_tokens_scope ON api_tokens
  USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));

GRANT SELECT, INSERT, UPDATE, DELETE ON divisions, units, people, api_tokens TO landpatrol_app;
GRANT SELECT ON spatial_ref_sys TO landpatrol_app;
