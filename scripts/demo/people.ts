import { COUNTY, type Geography } from './geography.js'
import { createNamer } from './names.js'
import { Random } from './random.js'

export type UnitKind = 'station' | 'team'
export type Role = 'patroller' | 'supervisor' | 'planner'

export interface Unit {
  key: string
  name: string
  kind: UnitKind
  division_code: string
}

export interface Person {
  key: string
  name: string
  unit_key: string
  certificate_no: string
  roles: Role[]
}

export interface InfoOfficer {
  key: string
  name: string
  village_code: string
  phone: string
}

export interface Staffing {
  units: Unit[]
  people: Person[]
  officers: InfoOfficer[]
  /** Station unit per township index. */
  stationOf: Unit[]
  teams: Unit[]
  peopleOf: Map<string, Person[]>
  /** The head (站长/中队长) of each unit: the zones' main responsible person. */
  headOf: Map<string, Person>
}

const TEAM_ORDINALS = ['一', '二']
const MOBILE_PREFIXES = ['138', '139', '135', '136', '137', '158', '159', '180', '182', '187', '189', '151']

export function buildStaffing(seed: number, geo: Geography): Staffing {
  const rng = Random.stream(seed, 'people')
  const nextName = createNamer(rng)
  const units: Unit[] = []
  const stationOf: Unit[] = geo.townships.map((t) => ({
    key: `station-${t.code}`,
    name: `${COUNTY.name}国土资源局${t.name.slice(0, -1)}国土资源所`,
    kind: 'station' as const,
    division_code: t.code,
  }))
  units.push(...stationOf)
  const teams: Unit[] = TEAM_ORDINALS.map((ord, i) => ({
    key: `team-${COUNTY.code}-${i + 1}`,
    name: `${COUNTY.name}国土资源执法监察大队${ord}中队`,
    kind: 'team' as const,
    division_code: COUNTY.code,
  }))
  units.push(...teams)

  const people: Person[] = []
  const peopleOf = new Map<string, Person[]>()
  const headOf = new Map<string, Person>()
  for (const u of units) {
    const n = rng.int(4, 6)
    const staff: Person[] = []
    for (let i = 0; i < n; i++) {
      const seq = people.length + 1
      let roles: Role[]
      if (i === 0) roles = ['supervisor', 'patroller']
      else if (u.kind === 'team') roles = rng.chance(0.5) ? ['supervisor', 'patroller'] : ['patroller']
      else if (i === 1 && rng.chance(0.7)) roles = ['planner', 'patroller']
      else roles = ['patroller']
      const p: Person = {
        key: `person-${String(seq).padStart(4, '0')}`,
        name: nextName(),
        unit_key: u.key,
        // 持证上岗: every officer carries a provincial enforcement certificate
        certificate_no: `川国土执法 ${COUNTY.code}-2026-${String(seq).padStart(4, '0')}`,
        roles,
      }
      staff.push(p)
      people.push(p)
    }
    peopleOf.set(u.key, staff)
    headOf.set(u.key, staff[0] as Person)
  }

  const officers: InfoOfficer[] = geo.villages.map((v) => ({
    key: `officer-${v.code}`,
    name: nextName(),
    village_code: v.code,
    phone: rng.pick(MOBILE_PREFIXES) + String(rng.int(0, 99_999_999)).padStart(8, '0'),
  }))

  return { units, people, officers, stationOf, teams, peopleOf, headOf }
}
