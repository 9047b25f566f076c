import type { Queryable } from '../../db/port.js'

export interface PlanProblem {
  kind:
    | 'invalid'
    | 'overlap'
    | 'sliver'
    | 'hole'
    | 'uncovered'
    | 'outside_county'
    | 'no_unit'
    | 'no_main_person'
    | 'no_direct_person'
  zone_ids: string[]
  message: string
  area_m2?: number
  /** a point on the problem, for the map */
  location?: unknown
}

export interface PlanCheck {
  plan_id: string
  ok: boolean
  counts: Record<PlanProblem['kind'], number>
  problems: PlanProblem[]
}

/** The plan check: every kind of problem a filing reviewer looks for, each with where it is. */
export async function checkPlan(
  db: Queryable,
  opts: { planId: string; countyCode: string; sliverM2: number; holeM2: number; overlapM2: number },
): Promise<PlanCheck> {
  const problems: PlanProblem[] = []
  const point = (col: string) => `ST_AsGeoJSON(ST_PointOnSurface(${col}), 7)::json`

  const invalid = await db.query<{ id: string; reason: string; location: unknown }>(
    `SELECT id, ST_IsValidReason(geom) AS reason, ${point('ST_Envelope(geom)')} AS location
       FROM zones WHERE plan_id = $1::uuid AND NOT ST_IsValid(geom)`,
    [opts.planId],
  )
  for (const r of invalid.rows)
    problems.push({
      kind: 'invalid',
      zone_ids: [r.id],
      message: `invalid: ${r.reason}`,
      location: r.location,
    })

  // Overlaps: pairs whose intersection has area (touching edges are fine), measured on the ellipsoid.
  const overlaps = await db.query<{
    a: string
    b: string
    area_m2: number
    location: unknown
    an: string
    bn: string
  }>(
    `WITH z AS (SELECT id, name, geom FROM zones WHERE plan_id = $1::uuid AND ST_IsValid(geom)),
     pairs AS (
       SELECT a.id AS a, b.id AS b, a.name AS an, b.name AS bn, ST_Intersection(a.geom, b.geom) AS g
         FROM z a JOIN z b ON a.id < b.id AND a.geom && b.geom AND ST_Intersects(a.geom, b.geom)
                          AND NOT ST_Touches(a.geom, b.geom))
     SELECT a, b, an, bn, ST_Area(ST_CollectionExtract(g, 3)::geography) AS area_m2,
            ${point('ST_CollectionExtract(g, 3)')} AS location
       FROM pairs
      WHERE ST_Area(ST_CollectionExtract(g, 3)::geography) > $2::float8
      ORDER BY 5 DESC`,
    [opts.planId, opts.overlapM2],
  )
  for (const r of overlaps.rows)
    problems.push({
      kind: 'overlap',
      zone_ids: [r.a, r.b],
      area_m2: Math.round(r.area_m2 * 100) / 100,
      message: `「${r.an}」 and 「${r.bn}」 overlap by ${r.area_m2.toFixed(1)} m²`,
      location: r.location,
    })

  const slivers = await db.query<{ id: string; name: string; area_m2: number; location: unknown }>(
    `SELECT id, name, area_m2, ${point('geom')} AS location
       FROM zones WHERE plan_id = $1::uuid AND area_m2 < $2::float8 ORDER BY area_m2`,
    [opts.planId, opts.sliverM2],
  )
  for (const r of slivers.rows)
    problems.push({
      kind: 'sliver',
      zone_ids: [r.id],
      area_m2: Math.round(r.area_m2 * 100) / 100,
      message: `「${r.name}」 is a sliver of ${r.area_m2.toFixed(1)} m² (< ${opts.sliverM2} m²)`,
      location: r.location,
    })

  // Holes: pieces of the county no zone covers. Small pieces between zones are drawing gaps; large
  // ones are land without a zone (derive tier 3 to cover them).
  const gaps = await db.query<{ area_m2: number; location: unknown }>(
    `WITH county AS (SELECT boundary FROM divisions WHERE code = $2::text AND boundary IS NOT NULL),
          covered AS (SELECT ST_Union(geom) AS geom FROM zones WHERE plan_id = $1::uuid AND ST_IsValid(geom)),
          pieces AS (
            SELECT (ST_Dump(ST_CollectionExtract(
                      CASE WHEN cv.geom IS NULL THEN c.boundary ELSE ST_Difference(c.boundary, cv.geom) END, 3))).geom AS g
              FROM county c CROSS JOIN covered cv)
     SELECT ST_Area(g::geography) AS area_m2, ${point('g')} AS location
       FROM pieces WHERE ST_Area(g::geography) >= 1 ORDER BY 1 DESC LIMIT 500`,
    [opts.planId, opts.countyCode],
  )
  for (const r of gaps.rows) {
    const small = r.area_m2 < opts.holeM2
    problems.push({
      kind: small ? 'hole' : 'uncovered',
      zone_ids: [],
      area_m2: Math.round(r.area_m2 * 100) / 100,
      message: small
        ? `a hole of ${r.area_m2.toFixed(1)} m² between zones`
        : `${(r.area_m2 / 10000).toFixed(2)} ha of the county has no zone (derive tier 3 to cover it)`,
      location: r.location,
    })
  }

  const outside = await db.query<{ id: string; name: string; area_m2: number; location: unknown }>(
    `SELECT z.id, z.name, ST_Area(ST_Difference(z.geom, d.boundary)::geography) AS area_m2,
            ${point('ST_Difference(z.geom, d.boundary)')} AS location
       FROM zones z JOIN divisions d ON d.code = $2::text AND d.boundary IS NOT NULL
      WHERE z.plan_id = $1::uuid AND ST_IsValid(z.geom) AND NOT ST_CoveredBy(z.geom, d.boundary)
        AND ST_Area(ST_Difference(z.geom, d.boundary)::geography) >= 1`,
    [opts.planId, opts.countyCode],
  )
  for (const r of outside.rows)
    problems.push({
      kind: 'outside_county',
      zone_ids: [r.id],
      area_m2: Math.round(r.area_m2 * 100) / 100,
      message: `「${r.name}」 has ${r.area_m2.toFixed(1)} m² outside the county`,
      location: r.location,
    })

  const unassigned = await db.query<{
    id: string
    name: string
    no_unit: boolean
    no_main: boolean
    no_direct: boolean
    location: unknown
  }>(
    `SELECT id, name, unit_id IS NULL AS no_unit, main_person_id IS NULL AS no_main,
            cardinality(direct_person_ids) = 0 AS no_direct, ${point('geom')} AS location
       FROM zones WHERE plan_id = $1::uuid
        AND (unit_id IS NULL OR main_person_id IS NULL OR cardinality(direct_person_ids) = 0)
      ORDER BY name`,
    [opts.planId],
  )
  for (const r of unassigned.rows) {
    if (r.no_unit)
      problems.push({
        kind: 'no_unit',
        zone_ids: [r.id],
        message: `「${r.name}」 has no responsible unit`,
        location: r.location,
      })
    if (r.no_main)
      problems.push({
        kind: 'no_main_person',
        zone_ids: [r.id],
        message: `「${r.name}」 has no main responsible person (主要责任人)`,
        location: r.location,
      })
    if (r.no_direct)
      problems.push({
        kind: 'no_direct_person',
        zone_ids: [r.id],
        message: `「${r.name}」 has no direct responsible person (直接责任人)`,
        location: r.location,
      })
  }

  const kinds: PlanProblem['kind'][] = [
    'invalid',
    'overlap',
    'sliver',
    'hole',
    'uncovered',
    'outside_county',
    'no_unit',
    'no_main_person',
    'no_direct_person',
  ]
  const counts = Object.fromEntries(
    kinds.map((k) => [k, problems.filter((p) => p.kind === k).length]),
  ) as PlanCheck['counts']
  return { plan_id: opts.planId, ok: problems.length === 0, counts, problems }
}
