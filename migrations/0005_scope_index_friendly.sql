-- Row-level security as a range on the division code instead of starts_with(): the planner inlines
-- this SQL function into every policy, and a range on a "C"-collated text column can use the
-- btree index on division_code, so a county's request reads the county's rows, not the table.
-- '~' sorts after every digit in the "C" collation, so [scope, scope || '~') is exactly the codes
-- that start with scope ('' ⇒ all). A NULL scope (unset) still denies everything.
CREATE OR REPLACE FUNCTION lp_in_scope(code text) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$ SELECT code >= lp_scope() AND code < lp_scope() || '~' $$;
