-- Violations and their workflow (篇一 二(二), 第十七条–第二十二条), tips 登记簿, information officers'
-- monthly (zero) reports, cultivated land taken by new construction (the veto ratio's denominator)
-- and local corrections to the State Council working-day calendar.
--
-- Every table with county data carries division_code (the county) for row-level security, as in
-- 0001. Derived columns on violations (status, dates reached, due dates) are written in the same
-- transaction as the event that changes them; the events are the record, the columns an index.

-- ---------------------------------------------------------------------------------------------
-- Working-day overrides: dates the calendar package does not know yet, or gets wrong. National
-- (the State Council schedule is national), so no division: everyone reads them, only a caller
-- whose scope is the whole country ('') writes them.
CREATE TABLE working_day_overrides (
  date date PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('work', 'off')),
  note text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid
);

ALTER TABLE working_day_overrides ENABLE ROW LEVEL SECURITY;
CREATE POLICY working_day_overrides_read ON working_day_overrides FOR SELECT USING (lp_scope() IS NOT NULL);
CREATE POLICY working_day_overrides_insert ON working_day_overrides FOR INSERT WITH CHECK (lp_scope() = '');
CREATE POLICY working_day_overrides_update ON working_day_overrides FOR UPDATE
  USING (lp_scope() = '') WITH CHECK (lp_scope() = '');
CREATE POLICY working_day_overrides_delete ON working_day_overrides FOR DELETE USING (lp_scope() = '');
GRANT SELECT, INSERT, UPDATE, DELETE ON working_day_overrides TO landpatrol_app;

-- ---------------------------------------------------------------------------------------------
-- Information officers 信息员: one per administrative village (篇三 七(1)). A person with the role
-- info_officer, assigned to a village for [assigned_from, assigned_to).
CREATE TABLE info_officer_assignments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  division_code text COLLATE "C" NOT NULL REFERENCES divisions (code),
  village_code text COLLATE "C" NOT NULL REFERENCES divisions (code),
  person_id uuid NOT NULL REFERENCES people (id),
  assigned_from date NOT NULL,
  assigned_to date,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (starts_with(village_code, division_code)),
  CHECK (assigned_to IS NULL OR assigned_to > assigned_from)
);
-- one officer in office per village at a time
CREATE UNIQUE INDEX info_officer_assignments_current_idx ON info_officer_assignments (village_code)
  WHERE assigned_to IS NULL;
CREATE INDEX info_officer_assignments_division_idx ON info_officer_assignments (division_code);

-- Monthly report or zero-report 零报告 of a village's officer.
CREATE TABLE info_reports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  division_code text COLLATE "C" NOT NULL REFERENCES divisions (code),
  village_code text COLLATE "C" NOT NULL REFERENCES divisions (code),
  person_id uuid NOT NULL REFERENCES people (id),
  month text COLLATE "C" NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  zero_report boolean NOT NULL,
  content text CHECK (length(content) <= 5000),
  submitted_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  recorded_by uuid,
  CHECK (starts_with(village_code, division_code)),
  -- a report that is not a zero-report says what was seen
  CHECK (zero_report OR length(coalesce(content, '')) > 0),
  UNIQUE (village_code, month)
);
CREATE INDEX info_reports_division_idx ON info_reports (division_code, month);

-- ---------------------------------------------------------------------------------------------
-- Tips register 登记簿 (第八条, 第十七条第二款): 12336 hotline, information officers, letters, visits.
CREATE TABLE tips (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  division_code text COLLATE "C" NOT NULL REFERENCES divisions (code),
  township_code text COLLATE "C" REFERENCES divisions (code),
  channel text NOT NULL CHECK (channel IN ('hotline_12336', 'info_officer', 'letter', 'visit')),
  received_at timestamptz NOT NULL,
  location geometry(Point, 4326),
  place text CHECK (length(place) <= 200),
  content text NOT NULL CHECK (length(content) BETWEEN 1 AND 5000),
  reporter text CHECK (length(reporter) <= 100),
  reporter_contact text CHECK (length(reporter_contact) <= 100),
  info_officer_id uuid REFERENCES people (id),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'violation', 'unfounded')),
  violation_id uuid,
  -- end of the n-th working day after receipt (computed with the overrides in force)
  check_due timestamptz NOT NULL,
  check_due_date date NOT NULL,
  closed_at timestamptz,
  note text CHECK (length(note) <= 2000),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid,
  checked_by uuid,
  CHECK ((status = 'open') = (closed_at IS NULL)),
  CHECK ((status = 'violation') = (violation_id IS NOT NULL)),
  CHECK (status <> 'unfounded' OR length(coalesce(note, '')) > 0)
);
CREATE INDEX tips_division_idx ON tips (division_code, status, check_due);

-- ---------------------------------------------------------------------------------------------
CREATE TABLE violations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  division_code text COLLATE "C" NOT NULL REFERENCES divisions (code),
  township_code text COLLATE "C" REFERENCES divisions (code),
  -- the eight categories of 篇一 二(二)
  category smallint NOT NULL CHECK (category BETWEEN 1 AND 8),
  source text NOT NULL CHECK (source IN ('patrol', 'info_officer', 'public_tip', 'satellite', 'higher_authority')),
  found_at timestamptz NOT NULL,
  location geometry(Point, 4326) NOT NULL,
  extent geometry(MultiPolygon, 4326),
  place text CHECK (length(place) <= 200),
  -- mu to 0.0001 (≈ 0.07 m²), the precision the rates sum in
  area_mu numeric(14, 4) CHECK (area_mu >= 0),
  cultivated_mu numeric(14, 4) CHECK (cultivated_mu >= 0),
  basic_farmland_mu numeric(14, 4) CHECK (basic_farmland_mu >= 0),
  -- where each figure came from: measured on the extent, overlaid on the zones in force, or entered
  area_source text NOT NULL CHECK (area_source IN ('extent', 'entered', 'none')),
  farmland_source text NOT NULL CHECK (farmland_source IN ('zones', 'entered', 'none')),
  party text CHECK (length(party) <= 200),
  description text CHECK (length(description) <= 5000),
  -- the patrol that found it; no foreign key yet, the patrols table belongs to another migration
  patrol_id uuid,
  tip_id uuid REFERENCES tips (id),
  unit_id uuid REFERENCES units (id),
  major boolean NOT NULL DEFAULT false,
  needs_stopping boolean NOT NULL DEFAULT true,
  report_required boolean NOT NULL DEFAULT false,
  -- derived from violation_events, kept for indexing
  status text NOT NULL DEFAULT 'found' CHECK (status IN (
    'found', 'stopped', 'self_corrected', 'reported', 'filed', 'not_filed', 'closed', 'escalated', 'transferred')),
  last_event_at timestamptz NOT NULL,
  report_due timestamptz NOT NULL,
  report_due_date date NOT NULL,
  major_report_due timestamptz,
  reported_at timestamptz,
  filed_at timestamptz,
  closure_due timestamptz,
  closed_at timestamptz,
  closing_kind text,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid,
  created_by_person uuid,
  CHECK (township_code IS NULL OR starts_with(township_code, division_code)),
  CHECK (NOT major OR major_report_due IS NOT NULL)
);
CREATE INDEX violations_division_idx ON violations (division_code, found_at);
CREATE INDEX violations_status_idx ON violations (division_code, status, report_due);
CREATE INDEX violations_location_idx ON violations USING gist (location);

ALTER TABLE tips ADD CONSTRAINT tips_violation_fk FOREIGN KEY (violation_id) REFERENCES violations (id);

-- The history: append-only. The app role may only read and add; the trigger refuses changes for
-- everyone (the owner too), and refuses new events on a case that has reached a terminal state.
CREATE TABLE violation_events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  violation_id uuid NOT NULL REFERENCES violations (id),
  division_code text COLLATE "C" NOT NULL REFERENCES divisions (code),
  seq integer NOT NULL CHECK (seq >= 1),
  type text NOT NULL CHECK (type IN (
    'stop', 'self_correct', 'report', 'file', 'decline_filing', 'close', 'escalate', 'transfer')),
  at timestamptz NOT NULL,
  from_status text NOT NULL,
  to_status text NOT NULL,
  closing_kind text CHECK (closing_kind IN (
    'penalty_decided', 'complied', 'disciplinary_recommendation', 'transferred_judicial',
    'enforcement_applied', 'no_penalty')),
  note text CHECK (length(note) <= 2000),
  actor_token_id uuid,
  actor_person_id uuid,
  actor_label text,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (violation_id, seq),
  CHECK ((type = 'close') = (closing_kind IS NOT NULL))
);
CREATE INDEX violation_events_violation_idx ON violation_events (violation_id, seq);

CREATE FUNCTION lp_violation_events_append_only() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    RAISE EXCEPTION 'violation_events is append-only (% refused)', TG_OP;
  END IF;
  IF EXISTS (SELECT 1 FROM violations v WHERE v.id = NEW.violation_id
                AND v.status IN ('closed', 'escalated', 'transferred')) THEN
    RAISE EXCEPTION 'violation % is in a terminal state; its history is closed', NEW.violation_id;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER violation_events_append_only BEFORE INSERT OR UPDATE OR DELETE ON violation_events
  FOR EACH ROW EXECUTE FUNCTION lp_violation_events_append_only();

-- Photos and documents: size and type checked by the API (magic bytes) and again here.
CREATE TABLE violation_attachments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  violation_id uuid NOT NULL REFERENCES violations (id),
  division_code text COLLATE "C" NOT NULL REFERENCES divisions (code),
  kind text NOT NULL CHECK (kind IN ('photo', 'document')),
  media_type text NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png', 'application/pdf')),
  size_bytes integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 10485760),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  file_name text CHECK (length(file_name) <= 200),
  device_time timestamptz,
  server_time timestamptz NOT NULL DEFAULT now(),
  uploaded_by uuid,
  bytes bytea NOT NULL,
  CHECK (octet_length(bytes) = size_bytes)
);
CREATE INDEX violation_attachments_violation_idx ON violation_attachments (violation_id);

-- Cultivated land taken by new construction land in a year (from approvals), per county: the
-- denominator of the veto ratio (第二十六条).
CREATE TABLE cultivated_land_taken (
  division_code text COLLATE "C" NOT NULL REFERENCES divisions (code),
  year smallint NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  mu numeric(14, 4) NOT NULL CHECK (mu >= 0),
  note text CHECK (length(note) <= 500),
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid,
  PRIMARY KEY (division_code, year)
);

ALTER TABLE info_officer_assignments ENABLE ROW LEVEL SECURITY;
CREATE POLICY info_officer_assignments_scope ON info_officer_assignments
  USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));
ALTER TABLE info_reports ENABLE ROW LEVEL SECURITY;
CREATE POLICY info_reports_scope ON info_reports
  USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));
ALTER TABLE tips ENABLE ROW LEVEL SECURITY;
CREATE POLICY tips_scope ON tips USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));
ALTER TABLE violations ENABLE ROW LEVEL SECURITY;
CREATE POLICY violations_scope ON violations
  USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));
ALTER TABLE violation_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY violation_events_scope ON violation_events
  USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));
ALTER TABLE violation_attachments ENABLE ROW LEVEL SECURITY;
CREATE POLICY violation_attachments_scope ON violation_attachments
  USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));
ALTER TABLE cultivated_land_taken ENABLE ROW LEVEL SECURITY;
CREATE POLICY cultivated_land_taken_scope ON cultivated_land_taken
  USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));

GRANT SELECT, INSERT, UPDATE ON info_officer_assignments, tips, violations, cultivated_land_taken TO landpatrol_app;
-- history, evidence and submitted reports are never changed through the app
GRANT SELECT, INSERT ON violation_events, violation_attachments, info_reports TO landpatrol_app;
