import type { Geometry } from 'geojson'
import type { Queryable } from '../../db/port.js'
import { areaFigures } from '../../domain/zones/categories.js'
import type { ZoneAttributes } from '../../domain/zones/zone-properties.js'

export interface StagedFeature {
  index: number
  geometry: Geometry
  attrs: ZoneAttributes
}

export interface FeatureProblem {
  index: number | null
  path: string
  reason: string
  message: string
}

export interface ImportedZone {
  id: string
  index: number
  name: string
  category: string
  tier: number
  township_code: string | null
  area_m2: number
  area_mu: number
  area_ha: number
}

export interface ZoneImportResult {
  zones: ImportedZone[]
  problems: FeatureProblem[]
  warnings: { index: number; message: string }[]
  repaired: { index: number; message: string }[]
}

export const GEOMETRY_REASONS = {
  UNREADABLE: 'UNREADABLE_GEOMETRY',
  NOT_POLYGON: 'NOT_POLYGON',
  EMPTY: 'EMPTY_GEOMETRY',
  INVALID: 'INVALID_GEOMETRY',
  ZERO_AREA: 'ZERO_AREA',
  OUTSIDE_COUNTY: 'OUTSIDE_COUNTY',
  UNKNOWN_TOWNSHIP: 'UNKNOWN_TOWNSHIP',
  UNKNOWN_UNIT: 'UNKNOWN_UNIT',
  UNKNOWN_PERSON: 'UNKNOWN_PERSON',
} as const

/** A zone may overhang the county boundary by this share of its area (digitising noise) and is
 *  then clipped with a warning; more is an error. */
export const OUTSIDE_TOLERANCE_SHARE = 0.005

const STAGE = 'zone_import_stage'

export interface StageResult {
  problems: FeatureProblem[]
  warnings: { index: number; message: string }[]
  repaired: { index: number; message: string }[]
}

/**
 * Checks features against PostGIS (readable, polygonal, valid or repaired, area, inside the county
 * with a clipped overhang, township, unit and persons) into a temporary stage table of the caller's
 * transaction, where `insertStagedZones` or `updateZoneFromStage` then read the accepted rows. The
 * one validation path for imported, drawn and edited zones.
 */
export async function stageZones(
  tx: Queryable,
  opts: { countyCode: string; features: StagedFeature[]; repair: boolean },
): Promise<StageResult> {
  await tx.exec(`CREATE TEMP TABLE IF NOT EXISTS ${STAGE} (
      i integer PRIMARY KEY,
      attrs jsonb NOT NULL,
      geom geometry,
      problem_reason text,
      problem_message text,
      problem_path text,
      repair_note text,
      warning text,
      area_m2 double precision,
      township_code text,
      unit_id uuid,
      main_person_id uuid,
      direct_person_ids uuid[]
    ) ON COMMIT DROP`)
  await tx.exec(`TRUNCATE ${STAGE}`)

  const payload = opts.features.map((f) => ({ i: f.index, g: JSON.stringify(f.geometry), a: f.attrs }))
  await tx.query(
    `INSERT INTO ${STAGE} (i, attrs, geom)
     SELECT (f->>'i')::integer, f->'a', lp_try_geojson(f->>'g')
       FROM jsonb_array_elements($1::jsonb) AS f`,
    [JSON.stringify(payload)],
  )

  const fail = (reason: string, message: string, where: string, path = 'geometry') =>
    tx.query(
      `UPDATE ${STAGE} SET problem_reason = $1::text, problem_message = ${message}, problem_path = $2::text
        WHERE problem_reason IS NULL AND (${where})`,
      [reason, path],
    )

  // stage 1: readable, polygonal, not empty
  await fail(GEOMETRY_REASONS.UNREADABLE, `'not a readable GeoJSON geometry'`, 'geom IS NULL')
  await fail(
    GEOMETRY_REASONS.NOT_POLYGON,
    `'a zone must be a Polygon or MultiPolygon, got ' || GeometryType(geom)`,
    `GeometryType(geom) NOT IN ('POLYGON', 'MULTIPOLYGON')`,
  )
  await fail(GEOMETRY_REASONS.EMPTY, `'empty geometry'`, 'ST_IsEmpty(geom)')

  // stage 2: validity (ST_IsValidReason), with an explicit repair when asked for
  if (opts.repair) {
    await tx.query(
      `WITH bad AS (
         SELECT i, ST_IsValidReason(geom) AS reason, geom AS before,
                ST_Multi(ST_CollectionExtract(ST_MakeValid(geom, 'method=structure'), 3)) AS after
           FROM ${STAGE} WHERE problem_reason IS NULL AND NOT ST_IsValid(geom))
       UPDATE ${STAGE} s SET geom = bad.after,
              repair_note = 'repaired (' || bad.reason || '): ' ||
                ST_NumGeometries(ST_Multi(bad.before)) || ' → ' || ST_NumGeometries(bad.after) || ' polygon(s), ' ||
                ST_NPoints(bad.before) || ' → ' || ST_NPoints(bad.after) || ' vertices, area ' ||
                round(ST_Area(bad.after::geography)::numeric, 1) || ' m²'
         FROM bad WHERE s.i = bad.i`,
    )
  }
  await fail(
    GEOMETRY_REASONS.INVALID,
    `'invalid polygon: ' || ST_IsValidReason(geom) || ' (repair=true applies ST_MakeValid)'`,
    'NOT ST_IsValid(geom)',
  )
  await tx.exec(`UPDATE ${STAGE} SET geom = ST_Multi(ST_Force2D(geom)) WHERE problem_reason IS NULL`)

  // stage 3: area on the ellipsoid
  await tx.exec(`UPDATE ${STAGE} SET area_m2 = ST_Area(geom::geography) WHERE problem_reason IS NULL`)
  await fail(GEOMETRY_REASONS.ZERO_AREA, `'zero area'`, 'area_m2 < 0.01')

  // stage 4: inside the county; a small overhang is clipped with a warning
  await tx.query(
    `WITH county AS (SELECT boundary FROM divisions WHERE code = $1::text AND boundary IS NOT NULL),
          over AS (
            SELECT s.i, ST_Area(ST_Difference(s.geom, c.boundary)::geography) AS outside_m2
              FROM ${STAGE} s, county c
             WHERE s.problem_reason IS NULL AND NOT ST_CoveredBy(s.geom, c.boundary))
     UPDATE ${STAGE} s SET
        problem_reason = CASE WHEN over.outside_m2 > s.area_m2 * $2::float8 THEN 'OUTSIDE_COUNTY' END,
        problem_path = CASE WHEN over.outside_m2 > s.area_m2 * $2::float8 THEN 'geometry' END,
        problem_message = CASE WHEN over.outside_m2 > s.area_m2 * $2::float8 THEN
          round(over.outside_m2::numeric, 1) || ' m² (' || round((100 * over.outside_m2 / s.area_m2)::numeric, 2) ||
          ' %) lies outside the county ' || $1::text END,
        warning = CASE WHEN over.outside_m2 <= s.area_m2 * $2::float8 AND over.outside_m2 >= 0.01 THEN
          'clipped ' || round(over.outside_m2::numeric, 2) || ' m² outside the county boundary' END
       FROM over WHERE s.i = over.i`,
    [opts.countyCode, OUTSIDE_TOLERANCE_SHARE],
  )
  await tx.query(
    `UPDATE ${STAGE} s SET
        geom = ST_Multi(ST_CollectionExtract(ST_Intersection(s.geom, d.boundary), 3)),
        area_m2 = ST_Area(ST_CollectionExtract(ST_Intersection(s.geom, d.boundary), 3)::geography)
       FROM divisions d
      WHERE d.code = $1::text AND s.problem_reason IS NULL AND s.warning IS NOT NULL`,
    [opts.countyCode],
  )

  // stage 5: township — as given (must be one of this county's), else the one it overlaps most
  await tx.query(
    `UPDATE ${STAGE} s SET township_code = d.code
       FROM divisions d
      WHERE s.problem_reason IS NULL AND d.code = s.attrs->>'township_code'
        AND d.level = 'township' AND d.parent_code = $1::text`,
    [opts.countyCode],
  )
  await fail(
    GEOMETRY_REASONS.UNKNOWN_TOWNSHIP,
    `'township ' || (attrs->>'township_code') || ' is not a township of this county'`,
    `attrs->>'township_code' IS NOT NULL AND township_code IS NULL`,
    'properties/township_code',
  )
  await tx.query(
    `UPDATE ${STAGE} s SET township_code = best.code
       FROM (SELECT DISTINCT ON (s2.i) s2.i, d.code
               FROM ${STAGE} s2 JOIN divisions d
                 ON d.level = 'township' AND d.parent_code = $1::text AND d.boundary && s2.geom
                AND ST_Intersects(d.boundary, s2.geom)
              WHERE s2.problem_reason IS NULL AND s2.township_code IS NULL
              ORDER BY s2.i, ST_Area(ST_Intersection(d.boundary, s2.geom)) DESC) best
      WHERE s.i = best.i`,
    [opts.countyCode],
  )

  // stage 6: responsible unit and persons, by id or by name, within the county
  await tx.query(
    `UPDATE ${STAGE} s SET unit_id = u.id
       FROM units u
      WHERE s.problem_reason IS NULL AND starts_with(u.division_code, $1::text)
        AND (u.id::text = s.attrs->>'unit_id' OR (s.attrs->>'unit_id' IS NULL AND u.name = s.attrs->>'unit_name'))`,
    [opts.countyCode],
  )
  await fail(
    GEOMETRY_REASONS.UNKNOWN_UNIT,
    `'unit ' || coalesce(attrs->>'unit_id', attrs->>'unit_name') || ' not found in this county'`,
    `unit_id IS NULL AND (attrs->>'unit_id' IS NOT NULL OR attrs->>'unit_name' IS NOT NULL)`,
    'properties/unit',
  )
  await tx.query(
    `UPDATE ${STAGE} s SET main_person_id = p.id
       FROM people p
      WHERE s.problem_reason IS NULL AND starts_with(p.division_code, $1::text)
        AND (p.id::text = s.attrs->>'main_person_id'
             OR (s.attrs->>'main_person_id' IS NULL AND p.name = s.attrs->>'main_person_name'
                 AND (s.unit_id IS NULL OR p.unit_id = s.unit_id)))`,
    [opts.countyCode],
  )
  await fail(
    GEOMETRY_REASONS.UNKNOWN_PERSON,
    `'main responsible person ' || coalesce(attrs->>'main_person_id', attrs->>'main_person_name') || ' not found in this county'`,
    `main_person_id IS NULL AND (attrs->>'main_person_id' IS NOT NULL OR attrs->>'main_person_name' IS NOT NULL)`,
    'properties/main_person',
  )
  await tx.query(
    `WITH wanted AS (
       SELECT s.i, w.v FROM ${STAGE} s,
              jsonb_array_elements_text(CASE WHEN jsonb_array_length(s.attrs->'direct_person_ids') > 0
                                             THEN s.attrs->'direct_person_ids' ELSE s.attrs->'direct_person_names' END) AS w(v)
        WHERE s.problem_reason IS NULL),
     found AS (
       SELECT wanted.i, wanted.v, (SELECT p.id FROM people p
                                     WHERE starts_with(p.division_code, $1::text) AND (p.id::text = wanted.v OR p.name = wanted.v)
                                     ORDER BY p.id LIMIT 1) AS id
         FROM wanted)
     UPDATE ${STAGE} s SET
        direct_person_ids = (SELECT array_agg(f.id) FROM found f WHERE f.i = s.i AND f.id IS NOT NULL),
        problem_reason = CASE WHEN EXISTS (SELECT 1 FROM found f WHERE f.i = s.i AND f.id IS NULL) THEN 'UNKNOWN_PERSON' END,
        problem_path = CASE WHEN EXISTS (SELECT 1 FROM found f WHERE f.i = s.i AND f.id IS NULL) THEN 'properties/direct_persons' END,
        problem_message = (SELECT 'direct responsible person(s) not found in this county: ' || string_agg(f.v, ', ')
                             FROM found f WHERE f.i = s.i AND f.id IS NULL)
      WHERE s.problem_reason IS NULL AND s.i IN (SELECT i FROM wanted)`,
    [opts.countyCode],
  )

  const staged = await tx.query<{
    i: number
    problem_reason: string | null
    problem_message: string | null
    problem_path: string | null
    repair_note: string | null
    warning: string | null
  }>(`SELECT i, problem_reason, problem_message, problem_path, repair_note, warning FROM ${STAGE} ORDER BY i`)

  const problems: FeatureProblem[] = staged.rows
    .filter((r) => r.problem_reason)
    .map((r) => ({
      index: r.i,
      path: `/features/${r.i}/${r.problem_path ?? 'geometry'}`,
      reason: r.problem_reason as string,
      message: r.problem_message ?? r.problem_reason ?? 'invalid',
    }))
  const warnings = staged.rows
    .filter((r) => r.warning)
    .map((r) => ({ index: r.i, message: r.warning as string }))
  const repaired = staged.rows
    .filter((r) => r.repair_note)
    .map((r) => ({ index: r.i, message: r.repair_note as string }))
  return { problems, warnings, repaired }
}

/**
 * Checks and stores features of a draft plan in PostGIS, all in the caller's transaction. Every
 * problem is collected with its feature index; with `partial` false any problem stores nothing
 * (the caller throws, the transaction rolls back).
 */
export async function stageAndInsertZones(
  tx: Queryable,
  opts: {
    planId: string
    countyCode: string
    features: StagedFeature[]
    repair: boolean
    partial: boolean
    source?: 'import' | 'drawn'
  },
): Promise<ZoneImportResult> {
  const { problems, warnings, repaired } = await stageZones(tx, opts)
  if (problems.length > 0 && !opts.partial) return { zones: [], problems, warnings, repaired }

  const inserted = await tx.query<{
    id: string
    i: number
    name: string
    category: string
    tier: number
    township_code: string | null
    area_m2: number
  }>(
    `INSERT INTO zones (plan_id, division_code, township_code, category, tier, tier_reason, name, unit_id,
                        main_person_id, direct_person_ids, source, source_index, properties, geom, area_m2)
     SELECT $1::uuid, $2::text, s.township_code, s.attrs->>'category', (s.attrs->>'tier')::smallint,
            s.attrs->>'tier_reason', coalesce(s.attrs->>'name', ''), s.unit_id, s.main_person_id,
            coalesce(s.direct_person_ids, '{}'), $3::text, s.i, '{}'::jsonb, s.geom, s.area_m2
       FROM ${STAGE} s WHERE s.problem_reason IS NULL ORDER BY s.i
     RETURNING id, source_index AS i, name, category, tier, township_code, area_m2`,
    [opts.planId, opts.countyCode, opts.source ?? 'import'],
  )
  return {
    zones: inserted.rows.map((r) => ({
      id: r.id,
      index: r.i,
      name: r.name,
      category: r.category,
      tier: r.tier,
      township_code: r.township_code,
      ...areaFigures(r.area_m2),
    })),
    problems,
    warnings,
    repaired,
  }
}

/**
 * Replaces one zone's geometry and attributes with the single accepted row of the stage table (or,
 * with `index`, the accepted row of that feature index).
 */
export async function updateZoneFromStage(tx: Queryable, zoneId: string, index?: number): Promise<boolean> {
  const res = await tx.query(
    `UPDATE zones z SET township_code = s.township_code, category = s.attrs->>'category',
            tier = (s.attrs->>'tier')::smallint, tier_reason = s.attrs->>'tier_reason',
            name = coalesce(s.attrs->>'name', ''), unit_id = s.unit_id, main_person_id = s.main_person_id,
            direct_person_ids = coalesce(s.direct_person_ids, '{}'), geom = s.geom, area_m2 = s.area_m2
       FROM ${STAGE} s
      WHERE z.id = $1::uuid AND s.problem_reason IS NULL AND ($2::integer IS NULL OR s.i = $2::integer)`,
    [zoneId, index ?? null],
  )
  return res.rowCount > 0
}

/** Inserts the accepted stage row of one feature index as a new zone of the plan; returns its id. */
export async function insertZoneFromStage(
  tx: Queryable,
  opts: { planId: string; countyCode: string; index: number; source: 'import' | 'drawn' },
): Promise<string | undefined> {
  const res = await tx.query<{ id: string }>(
    `INSERT INTO zones (plan_id, division_code, township_code, category, tier, tier_reason, name, unit_id,
                        main_person_id, direct_person_ids, source, properties, geom, area_m2)
     SELECT $1::uuid, $2::text, s.township_code, s.attrs->>'category', (s.attrs->>'tier')::smallint,
            s.attrs->>'tier_reason', coalesce(s.attrs->>'name', ''), s.unit_id, s.main_person_id,
            coalesce(s.direct_person_ids, '{}'), $3::text, '{}'::jsonb, s.geom, s.area_m2
       FROM ${STAGE} s WHERE s.problem_reason IS NULL AND s.i = $4::integer
     RETURNING id`,
    [opts.planId, opts.countyCode, opts.source, opts.index],
  )
  return res.rows[0]?.id
}
