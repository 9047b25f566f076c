-- Recomputing a county's derived patrol figures (zone_visits, zone_period_coverage) for a span of
-- days, after a zone plan is filed with an effective date in the past or the rules change, from the
-- stored cleaned segments (patrol_segments), never from raw points.
--
-- A recompute is a job: its patrols are matched chunk by chunk into the staging tables below, while
-- reads keep serving the live rows; when every patrol is done, one short transaction replaces the
-- live rows of the span with the staged ones (server/routes/patrols/recompute.ts says why it is
-- built this way on both PostgreSQL and the one-connection PGlite). patrol_cells are not touched:
-- they depend on the tracks only, not on the zones or the visit rule.

CREATE TABLE coverage_recompute_jobs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  division_code text COLLATE "C" NOT NULL REFERENCES divisions (code),
  reason text NOT NULL CHECK (reason IN ('plan_filed', 'requested')),
  -- the plan whose filing asked for it
  plan_id uuid REFERENCES zone_plans (id),
  -- the span asked for, Beijing days [range_from, range_to)
  range_from date NOT NULL,
  range_to date NOT NULL CHECK (range_to > range_from),
  -- the span matched: widened to whole ISO weeks and months, so every period the asked span touches
  -- is rebuilt from all of its days
  days_from date NOT NULL,
  days_to date NOT NULL CHECK (days_to > days_from),
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done', 'failed')),
  step text NOT NULL DEFAULT 'queued',
  patrols_total integer NOT NULL DEFAULT 0,
  patrols_done integer NOT NULL DEFAULT 0,
  message text,
  requested_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz
);
CREATE INDEX coverage_recompute_jobs_division_idx ON coverage_recompute_jobs (division_code, created_at);

-- The patrols a job matches (those with segments in its span when it started, and any posted while
-- it ran), each marked when its staged rows are written.
CREATE TABLE coverage_recompute_patrols (
  job_id uuid NOT NULL REFERENCES coverage_recompute_jobs (id) ON DELETE CASCADE,
  patrol_id uuid NOT NULL,
  division_code text COLLATE "C" NOT NULL,
  started_at timestamptz NOT NULL,
  done boolean NOT NULL DEFAULT false,
  PRIMARY KEY (job_id, patrol_id)
);
CREATE INDEX coverage_recompute_patrols_todo_idx ON coverage_recompute_patrols (job_id, started_at) WHERE NOT done;

-- Staged rows: the same columns as the live tables, keyed by job.
CREATE TABLE coverage_recompute_visits (
  job_id uuid NOT NULL REFERENCES coverage_recompute_jobs (id) ON DELETE CASCADE,
  LIKE zone_visits INCLUDING DEFAULTS,
  PRIMARY KEY (job_id, patrol_id, zone_id, visit_date)
);
CREATE TABLE coverage_recompute_coverage (
  job_id uuid NOT NULL REFERENCES coverage_recompute_jobs (id) ON DELETE CASCADE,
  LIKE zone_period_coverage INCLUDING DEFAULTS,
  PRIMARY KEY (job_id, zone_id, period_kind, period_start, srid, piece)
);

ALTER TABLE coverage_recompute_jobs ENABLE ROW LEVEL SECURITY;
CREATE POLICY coverage_recompute_jobs_scope ON coverage_recompute_jobs
  USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));
ALTER TABLE coverage_recompute_patrols ENABLE ROW LEVEL SECURITY;
CREATE POLICY coverage_recompute_patrols_scope ON coverage_recompute_patrols
  USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));
ALTER TABLE coverage_recompute_visits ENABLE ROW LEVEL SECURITY;
CREATE POLICY coverage_recompute_visits_scope ON coverage_recompute_visits
  USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));
ALTER TABLE coverage_recompute_coverage ENABLE ROW LEVEL SECURITY;
CREATE POLICY coverage_recompute_coverage_scope ON coverage_recompute_coverage
  USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));

GRANT SELECT, INSERT, UPDATE, DELETE ON coverage_recompute_jobs, coverage_recompute_patrols,
  coverage_recompute_visits, coverage_recompute_coverage TO landpatrol_app;
