-- The yearly assessment (第二十三条–第二十七条): rule sets per jurisdiction with an effective date,
-- the register of periodic reports sent up (第二十条, item 八) and the assessor's manual entries.
-- All three are append-only histories: a change is a new row, the latest row in force wins.

-- ---------------------------------------------------------------------------------------------
-- Rule sets. `override` is a partial rule set (server/domain/rules/rule-set.ts): a province's over
-- the defaults of domain.md, a city's over its province's, a county's over its city's; only a
-- province may loosen (the API checks, the table stores what was accepted).
CREATE TABLE rule_sets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  division_code text COLLATE "C" NOT NULL REFERENCES divisions (code),
  effective_from date NOT NULL,
  override jsonb NOT NULL CHECK (jsonb_typeof(override) = 'object'),
  note text CHECK (length(note) <= 500),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid
);
CREATE INDEX rule_sets_division_idx ON rule_sets (division_code, effective_from, created_at);

ALTER TABLE rule_sets ENABLE ROW LEVEL SECURITY;
-- Everyone reads the rules of the levels above them (a county computes under its province's set);
-- lp_scope_prefix('510000') = '51' is a prefix of a county scope '510199'.
CREATE POLICY rule_sets_read ON rule_sets FOR SELECT
  USING (lp_in_scope(division_code) OR starts_with(lp_scope(), lp_scope_prefix(division_code)));
CREATE POLICY rule_sets_insert ON rule_sets FOR INSERT WITH CHECK (lp_in_scope(division_code));
GRANT SELECT, INSERT ON rule_sets TO landpatrol_app;

-- ---------------------------------------------------------------------------------------------
-- Reports of 第二十条 recorded as sent. The schedule itself (which reports are due when) is
-- computed from the rules; a row here says one was sent, when, to whom and by whom. The due date in
-- force when it was sent is kept with it.
CREATE TABLE report_submissions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  division_code text COLLATE "C" NOT NULL REFERENCES divisions (code),
  kind text NOT NULL CHECK (kind IN ('monthly', 'quarterly', 'annual')),
  -- 'YYYY-MM', 'YYYY-Qn' or 'YYYY'
  period text COLLATE "C" NOT NULL CHECK (period ~ '^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$'),
  due_date date NOT NULL,
  sent_at timestamptz NOT NULL,
  recipient text NOT NULL CHECK (length(recipient) BETWEEN 1 AND 200),
  sent_by text NOT NULL CHECK (length(sent_by) BETWEEN 1 AND 100),
  note text CHECK (length(note) <= 500),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid,
  UNIQUE (division_code, kind, period)
);

ALTER TABLE report_submissions ENABLE ROW LEVEL SECURITY;
CREATE POLICY report_submissions_scope ON report_submissions
  USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));
GRANT SELECT, INSERT ON report_submissions TO landpatrol_app;

-- ---------------------------------------------------------------------------------------------
-- The assessor's entries for a county-year: deductions for any item (二 and 七 only this way), the
-- bonus and veto grounds. Each PUT adds a version; the latest is in force, the older ones are the
-- history. An assessor works at the level above, so the scope check is on the assessed division.
CREATE TABLE assessment_manual_entries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  division_code text COLLATE "C" NOT NULL REFERENCES divisions (code),
  year smallint NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  -- {deductions: [{item, points, reason, evidence_ids}], bonus: {points, reason} | null, veto_grounds: […]}
  entries jsonb NOT NULL CHECK (jsonb_typeof(entries) = 'object'),
  assessor text NOT NULL CHECK (length(assessor) BETWEEN 1 AND 100),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid
);
CREATE INDEX assessment_manual_entries_idx ON assessment_manual_entries (division_code, year, created_at);

ALTER TABLE assessment_manual_entries ENABLE ROW LEVEL SECURITY;
CREATE POLICY assessment_manual_entries_scope ON assessment_manual_entries
  USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));
GRANT SELECT, INSERT ON assessment_manual_entries TO landpatrol_app;

-- Item 三 reads a county's counted tier-1 visits of a year grouped by zone and week; with the zone
-- and tier in the index that is an index-only scan instead of a heap fetch per visit.
CREATE INDEX zone_visits_counted_tier_idx ON zone_visits (division_code, tier, visit_date) INCLUDE (zone_id)
  WHERE counted;
