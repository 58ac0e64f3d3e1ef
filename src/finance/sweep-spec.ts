/**
 * The `--sweep` grammar and how a sweep point changes a scenario.
 *
 *   SPEC   = DIM *( ";" DIM )
 *   DIM    = [ SITE ":" ] PATH "=" VALUES
 *   PATH   = SEGMENT *( "." SEGMENT )        site-relative (storage.energyMWh, renewables.solar.capacityMW,
 *                                             cooling.archetype, facility.upsEfficiency, it.H100.gpus, …)
 *                                             or finance.… (e.g. finance.discountRate)
 *   VALUES = VALUE *( "," VALUE ) | FROM ".." TO ":" STEP
 *
 * A site-relative path applies to every site unless `SITE:` names one. Array elements are picked
 * by id (renewables.solar), then by type (renewables.wind) or accelerator (it.H100), or by index.
 * `cooling.` is short for `facility.cooling.`. The sweep is the Cartesian product of the
 * dimensions. See docs/finance.md §7 for the rules on missing storage and cooling archetypes.
 */
import { InputError } from '../errors/index.ts';
import { FORBIDDEN_KEYS } from '../scenario/schema/common.ts';
import { Scenario } from '../scenario/schema/index.ts';
import { describeIssue } from '../scenario/validate.ts';
import { formatPath } from '../scenario/source.ts';

/** A value a dimension takes. */
export type SweepValue = number | string | boolean;

/** One dimension of a sweep. */
export interface SweepDimension {
  /** The dimension as written (before "="). */
  key: string;
  /** Site id, or '*' for every site; null for scenario-level paths (finance.…). */
  site: string | null;
  /** Path segments, aliases expanded (site-relative, or from the scenario root for finance). */
  path: string[];
  values: SweepValue[];
}

/** A parsed sweep. */
export interface SweepSpec {
  text: string;
  dimensions: SweepDimension[];
  /** Number of points (product of the dimension sizes). */
  points: number;
}

/** Largest number of points a sweep may have. */
export const MAX_SWEEP_POINTS = 10_000;

/** Roots a site-relative path may start with. */
export const SITE_ROOTS = ['storage', 'renewables', 'facility', 'cooling', 'it', 'grid', 'tariff', 'idleGpus'] as const;

const GRAMMAR =
  'write DIM;DIM;… where DIM is [SITE:]PATH=V1,V2,… or [SITE:]PATH=FROM..TO:STEP, e.g. ' +
  '"storage.energyMWh=0,50,100;renewables.solar.capacityMW=0..60:30;cooling.archetype=air,cold-plate,immersion"; ' +
  `PATH starts with ${SITE_ROOTS.join(', ')} (site-relative) or finance`;

function bad(message: string): InputError {
  return new InputError('OPTION_INVALID', `--sweep: ${message}; ${GRAMMAR}`, { path: '--sweep' });
}

function parseValue(text: string): SweepValue {
  const t = text.trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  return t;
}

/** Parses a sweep spec (syntax and point count only; values are checked by `checkSweep`). */
export function parseSweepSpec(text: string): SweepSpec {
  const parts = text.split(';').map((p) => p.trim()).filter((p) => p.length > 0);
  if (parts.length === 0) throw bad('the spec is empty');
  const dimensions: SweepDimension[] = [];
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw bad(`"${part}" has no "PATH=" part`);
    const key = part.slice(0, eq).trim();
    const rhs = part.slice(eq + 1).trim();
    let site: string | null = '*';
    let pathText = key;
    const colon = key.indexOf(':');
    if (colon >= 0) {
      site = key.slice(0, colon).trim();
      pathText = key.slice(colon + 1).trim();
      if (!site) throw bad(`"${key}" has an empty site before ":"`);
    }
    const segs = pathText.split('.').map((s) => s.trim());
    if (segs.some((s) => s.length === 0)) throw bad(`"${key}" has an empty path segment`);
    // these names reach Object.prototype when a path is walked: never a scenario field
    const forbidden = [site ?? '', ...segs].find((s) => FORBIDDEN_KEYS.has(s));
    if (forbidden !== undefined) throw bad(`"${key}": "${forbidden}" is not a scenario field or site`);
    let path = segs;
    if (segs[0] === 'finance') {
      if (colon >= 0) throw bad(`"${key}": finance paths apply to the whole scenario and take no site`);
      site = null;
    } else {
      if (!(SITE_ROOTS as readonly string[]).includes(segs[0]!)) throw bad(`"${key}": unknown path start "${segs[0]}"`);
      if (segs[0] === 'cooling') path = ['facility', ...segs];
    }
    if (dimensions.some((d) => d.key === key)) throw bad(`"${key}" is given twice`);
    let values: SweepValue[];
    const range = /^([-+]?[\d.eE+-]+)\s*\.\.\s*([-+]?[\d.eE+-]+)\s*:\s*([-+]?[\d.eE+-]+)$/.exec(rhs);
    if (range) {
      const [from, to, step] = [Number(range[1]), Number(range[2]), Number(range[3])];
      if (![from, to, step].every(Number.isFinite)) throw bad(`"${part}": the range FROM..TO:STEP needs numbers`);
      if (!(step > 0)) throw bad(`"${part}": the step must be > 0`);
      if (to < from) throw bad(`"${part}": TO must not be below FROM`);
      const n = Math.floor((to - from) / step + 1e-9) + 1;
      if (n > MAX_SWEEP_POINTS) throw bad(`"${part}" has ${n} values; at most ${MAX_SWEEP_POINTS}`);
      values = Array.from({ length: n }, (_, i) => +(from + i * step).toPrecision(12));
    } else {
      const items = rhs.split(',').map((v) => v.trim());
      if (items.some((v) => v.length === 0)) throw bad(`"${part}" has an empty value`);
      values = items.map(parseValue);
    }
    if (new Set(values.map(String)).size !== values.length) throw bad(`"${part}" repeats a value`);
    dimensions.push({ key, site, path, values });
  }
  const points = dimensions.reduce((a, d) => a * d.values.length, 1);
  if (points > MAX_SWEEP_POINTS) throw bad(`${points} points is more than the limit of ${MAX_SWEEP_POINTS}`);
  return { text, dimensions, points };
}

/** All points: the Cartesian product, the last dimension varying fastest. */
export function sweepPoints(spec: SweepSpec): SweepValue[][] {
  let out: SweepValue[][] = [[]];
  for (const d of spec.dimensions) out = out.flatMap((p) => d.values.map((v) => [...p, v]));
  return out;
}

type Json = Record<string, unknown>;
const ARRAY_FIELDS = new Set(['renewables', 'it', 'importLimitOverrides', 'bands', 'holidays', 'extraWorkdays', 'tiers']);
const isObj = (x: unknown): x is Json => x !== null && typeof x === 'object' && !Array.isArray(x);

/** Finds array elements a segment names: by id, then type or accelerator, then index. */
function pickElements(arr: unknown[], seg: string): number[] {
  const byKey = (k: string) => arr.flatMap((e, i) => (isObj(e) && e[k] === seg ? [i] : []));
  for (const k of ['id', 'type', 'accelerator']) {
    const hit = byKey(k);
    if (hit.length > 0) return hit;
  }
  if (/^\d+$/.test(seg) && Number(seg) < arr.length) return [Number(seg)];
  return [];
}

/** Sets `value` at `path` below `node`; returns false when an array element is not found. */
function setAt(node: Json, path: string[], value: SweepValue): boolean {
  const [head, ...rest] = path;
  if (head === undefined || FORBIDDEN_KEYS.has(head)) return false;
  if (rest.length === 0) {
    node[head] = value;
    return true;
  }
  let child = node[head];
  if (Array.isArray(child)) {
    const [sel, ...tail] = rest;
    const idx = pickElements(child, sel!);
    if (idx.length === 0) return false;
    if (tail.length === 0) return false;
    let ok = true;
    for (const i of idx) {
      if (!isObj(child[i])) child[i] = {};
      ok = setAt(child[i] as Json, tail, value) && ok;
    }
    return ok;
  }
  if (!isObj(child)) {
    // a missing list has no element to pick; a missing object (other than storage) starts empty
    if (ARRAY_FIELDS.has(head)) return false;
    if (head === 'storage') child = { energyMWh: 0, powerMW: 0 };
    else child = {};
    node[head] = child;
  }
  const ok = setAt(child as Json, rest, value);
  if (ok && head === 'storage' && path.length === 2 && typeof value === 'number') {
    // a battery created by the sweep keeps a 4-hour ratio until both sides are swept (assumption A)
    const st = child as Json;
    if (rest[0] === 'energyMWh' && st.powerMW === 0) st.powerMW = value / 4;
    if (rest[0] === 'powerMW' && st.energyMWh === 0) st.energyMWh = value * 4;
  }
  return ok;
}

/**
 * Applies one point to raw scenario data (a deep copy is made). A changed cooling archetype
 * drops the site's designPUE (it calibrates one archetype, not another) unless designPUE is
 * itself swept. Throws OPTION_INVALID when a site or array element named does not exist.
 */
export function applyPoint(data: unknown, spec: SweepSpec, values: SweepValue[]): Json {
  const out = structuredClone(data) as Json;
  const sites = Array.isArray(out.sites) ? (out.sites as Json[]) : [];
  const siteIds = sites.map((s) => String(s.id));
  const designSwept = spec.dimensions.some((d) => d.path.join('.') === 'facility.cooling.designPUE');
  spec.dimensions.forEach((d, k) => {
    const v = values[k]!;
    if (d.site === null) {
      if (!setAt(out, d.path, v)) throw bad(`"${d.key}" names an element that does not exist`);
      return;
    }
    const targets = d.site === '*' ? sites.map((_, i) => i) : [siteIds.indexOf(d.site)];
    if (targets[0] === -1) throw bad(`"${d.key}": unknown site "${d.site}"; sites: ${siteIds.join(', ')}`);
    let hits = 0;
    for (const i of targets) {
      if (setAt(sites[i]!, d.path, v)) {
        hits++;
        if (d.path.join('.') === 'facility.cooling.archetype' && !designSwept) {
          const cooling = (sites[i]!.facility as Json | undefined)?.cooling as Json | undefined;
          if (cooling) delete cooling.designPUE;
        }
      }
    }
    if (hits === 0) throw bad(`"${d.key}" matches nothing at ${d.site === '*' ? 'any site' : `site "${d.site}"`} (array elements are picked by id, type, accelerator or index)`);
  });
  return out;
}

/**
 * Checks every value of every dimension on its own against the schema, so a bad spec fails
 * before any simulation starts, naming the dimension and what is valid.
 */
export function checkSweep(data: unknown, spec: SweepSpec): void {
  const problems: string[] = [];
  const base = spec.dimensions.map((d) => d.values[0]!);
  spec.dimensions.forEach((d, k) => {
    for (const v of d.values) {
      const vals = base.slice();
      vals[k] = v;
      let changed: Json;
      try {
        changed = applyPoint(data, spec, vals);
      } catch (e) {
        if (e instanceof InputError) {
          problems.push(e.message.replace(/; write DIM.*$/, '').replace(/^--sweep: /, ''));
          return;
        }
        throw e;
      }
      const r = Scenario.safeParse(changed);
      if (!r.success) {
        const issue = describeIssue(r.error.issues[0]!, changed, Scenario);
        problems.push(`"${d.key}=${String(v)}": at ${formatPath(issue.path)}: ${issue.text}`);
      }
    }
  });
  if (problems.length > 0) {
    throw new InputError('OPTION_INVALID', `--sweep: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, { path: '--sweep' }, problems.length > 1 ? problems : []);
  }
}

/**
 * True when a dimension leaves the resolved series untouched (storage, renewable size and price,
 * facility, finance), so a worker may reuse its resolved scenario instead of reading files again.
 */
export function reusesResolution(d: SweepDimension): boolean {
  if (d.site === null) return d.path[0] === 'finance';
  const [root, , leaf] = d.path;
  if (root === 'storage' || root === 'facility') return true;
  if (root === 'renewables') return leaf === 'capacityMW' || leaf === 'pricePerMWh' || leaf === 'solar' || leaf === 'wind';
  return false;
}
