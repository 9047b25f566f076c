-- Live tracking: phones running OsmAnd (online tracking) or Traccar Client post one fix at a time to
-- /osmand. Those apps cannot send a bearer token, so a station or admin registers each device id
-- with the county, unit, staff and patrol kind its patrols belong to. Fixes wait in live_fixes until
-- the device's open patrol closes (idle time, a new Beijing day, or a change of registration); the
-- close turns them into a patrol through the ordinary ingest path and clears them in the same
-- transaction.

CREATE TABLE live_devices (
  -- what the app sends as `id` / `deviceid` / `device_id`: globally unique, since /osmand has no
  -- other way to tell whose device it is
  device_id text COLLATE "C" PRIMARY KEY CHECK (device_id ~ '^[A-Za-z0-9][A-Za-z0-9._:@-]{0,99}$'),
  -- the county of the unit
  division_code text COLLATE "C" NOT NULL REFERENCES divisions (code),
  unit_id uuid NOT NULL REFERENCES units (id),
  -- people ids, checked against the county when registered and again when each patrol is stored
  staff uuid[] NOT NULL CHECK (cardinality(staff) BETWEEN 1 AND 50),
  kind text NOT NULL CHECK (kind IN ('routine', 'supervision', 'special')),
  -- the CRS the app reports in (GCJ-02 for apps built on AMap/Tencent location SDKs), canonical
  -- spelling of server/domain/track/convert-crs.ts
  crs text NOT NULL DEFAULT 'EPSG:4326',
  active boolean NOT NULL DEFAULT true,
  label text CHECK (length(label) <= 200),
  -- the last close of an open patrol: a stored patrol, or the reason its fixes could not make one
  last_closed_at timestamptz,
  last_close_outcome text CHECK (last_close_outcome IN ('patrol', 'refused')),
  last_close_detail text,
  last_patrol_id uuid REFERENCES patrols (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX live_devices_division_idx ON live_devices (division_code);

-- The open patrol of each device: fixes as received (in the device's CRS), in arrival order (id);
-- a close deletes the fixes it stored as a patrol (their points live on in patrol_points).
CREATE TABLE live_fixes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  device_id text COLLATE "C" NOT NULL REFERENCES live_devices (device_id) ON DELETE CASCADE,
  division_code text COLLATE "C" NOT NULL,
  fixed_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  lon double precision NOT NULL,
  lat double precision NOT NULL,
  -- metres (OsmAnd's `hdop` is the Android accuracy in metres)
  accuracy real,
  altitude real,
  -- as the app reports it (OsmAnd m/s, Traccar Client knots); not used for cleaning
  speed real,
  bearing real,
  battery real,
  -- set when a close could not make a patrol of the open fixes (a lone fix, nothing left after
  -- cleaning…): the fixes are kept with the reason instead of vanishing, and are no longer open
  refused_at timestamptz,
  refused_reason text,
  CHECK ((refused_at IS NULL) = (refused_reason IS NULL))
);
CREATE INDEX live_fixes_open_idx ON live_fixes (device_id, id) WHERE refused_at IS NULL;
CREATE INDEX live_fixes_received_idx ON live_fixes (received_at) WHERE refused_at IS NULL;

ALTER TABLE live_devices ENABLE ROW LEVEL SECURITY;
CREATE POLICY live_devices_scope ON live_devices
  USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));
ALTER TABLE live_fixes ENABLE ROW LEVEL SECURITY;
CREATE POLICY live_fixes_scope ON live_fixes
  USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));

GRANT SELECT, INSERT, UPDATE, DELETE ON live_devices, live_fixes TO landpatrol_app;
GRANT USAGE ON SEQUENCE live_fixes_id_seq TO landpatrol_app;
