/**
 * Validates parsed scenario data against the schema and turns every zod issue into a message
 * that names the place (file:line:column and JSON path), what was found and what is valid.
 */
import type { z } from 'zod';
import { InputError } from '../errors/index.ts';
import { FIXED_UNIT_FORMATS } from '../series/schema.ts';
import { checkRawCounts } from './problem-size.ts';
import { Scenario } from './schema/index.ts';
import { formatPath, type ScenarioSource } from './source.ts';

type Issue = z.core.$ZodIssue;

function valueAt(data: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v: unknown = data;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  // JSON has no NaN or Infinity and would print them as null (YAML .nan, .inf)
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  const s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));
  if (s === undefined) return String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** True when `option` is an object with a literal field whose value `data` has. */
function literalMatch(option: z.core.$ZodType, data: Record<string, unknown>): boolean {
  const shape = (option._zod.def as unknown as { shape?: Record<string, z.core.$ZodType> }).shape;
  if (!shape) return false;
  return Object.entries(shape).some(([k, t]) => {
    const def = t._zod.def as unknown as { type: string; values?: unknown[] };
    return def.type === 'literal' && k in data && (def.values ?? []).includes(data[k]);
  });
}

/** Keys a strict object accepts at `path`, found by walking the schema alongside the data. */
export function allowedKeysAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>, data: unknown): string[] | undefined {
  let s: z.core.$ZodType | undefined = schema as unknown as z.core.$ZodType;
  let d: unknown = data;
  const unwrap = (t: z.core.$ZodType | undefined, value: unknown): z.core.$ZodType | undefined => {
    for (let i = 0; i < 20 && t; i++) {
      const def = t._zod.def as unknown as Record<string, unknown> & { type: string };
      if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'readonly' || def.type === 'prefault' || def.type === 'catch') {
        t = def.innerType as z.core.$ZodType;
      } else if (def.type === 'pipe') {
        t = def.in as z.core.$ZodType;
      } else if (def.type === 'union') {
        const options = def.options as z.core.$ZodType[];
        const disc = def.discriminator as string | undefined;
        let pick: z.core.$ZodType | undefined;
        if (disc && value && typeof value === 'object') {
          const want = (value as Record<string, unknown>)[disc];
          pick = options.find((o) => {
            const shape = (o._zod.def as unknown as { shape?: Record<string, z.core.$ZodType> }).shape;
            const lit = shape?.[disc]?._zod.def as unknown as { values?: unknown[] } | undefined;
            return lit?.values?.includes(want);
          });
        }
        // a union of objects told apart by a literal field (series `format`): the branch the data names
        pick ??= value && typeof value === 'object' ? options.find((o) => literalMatch(o, value as Record<string, unknown>)) : undefined;
        pick ??= options.find((o) => (o._zod.def as { type: string }).type === 'object' && value && typeof value === 'object');
        t = pick;
        if (!pick) return undefined;
      } else return t;
    }
    return t;
  };
  s = unwrap(s, d);
  for (const p of path) {
    if (!s) return undefined;
    const def = s._zod.def as unknown as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType; valueType?: z.core.$ZodType };
    if (def.type === 'object' && def.shape) s = def.shape[String(p)];
    else if (def.type === 'array') s = def.element;
    else if (def.type === 'record') s = def.valueType;
    else return undefined;
    d = d && typeof d === 'object' ? (d as Record<PropertyKey, unknown>)[p] : undefined;
    s = unwrap(s, d);
  }
  const def = s?._zod.def as unknown as { type: string; shape?: Record<string, unknown> } | undefined;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : undefined;
}

function closest(word: string, options: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const o of options) {
    const d = editDistance(word.toLowerCase(), o.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = o;
    }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** One human sentence per issue: what was found and what would be valid. */
export function describeIssue(issue: Issue, data: unknown, schema: z.ZodType): { path: Array<string | number>; text: string } {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const found = valueAt(data, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeysAt(schema, path, data) ?? [];
      const format = (found as { format?: unknown } | undefined)?.format;
      if (issue.keys.includes('unit') && typeof format === 'string' && FIXED_UNIT_FORMATS[format]) {
        return { path: [...path, 'unit'], text: `a ${format} series has no "unit" field: this format fixes its unit (${FIXED_UNIT_FORMATS[format]})` };
      }
      const parts = issue.keys.map((k) => {
        const guess = closest(k, allowed);
        return guess && guess !== k ? `"${k}" (did you mean "${guess}"?)` : `"${k}"`;
      });
      return {
        path: [...path, issue.keys[0]!],
        text: `unknown field ${parts.join(', ')}; valid fields here: ${allowed.join(', ')}`,
      };
    }
    case 'invalid_type':
      if (found === undefined) return { path, text: `required field is missing (expected ${issue.expected})` };
      return { path, text: `expected ${issue.expected}, found ${show(found)}` };
    case 'invalid_value':
      return { path, text: `found ${show(found)}; valid values: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}` };
    case 'invalid_union': {
      const u = issue as Issue & { discriminator?: string; options?: unknown[]; errors: Issue[][] };
      if (u.discriminator) {
        return { path, text: `found ${show(found)}; valid values of "${u.discriminator}": ${(u.options ?? []).map((o) => JSON.stringify(o)).join(', ')}` };
      }
      // pick the branch that got furthest (deepest path, then fewest issues)
      const branches = u.errors.filter((b) => b.length > 0);
      branches.sort((a, b) => Math.max(...b.map((i) => i.path.length)) - Math.max(...a.map((i) => i.path.length)) || a.length - b.length);
      const best = branches[0]?.[0];
      if (best && best.path.length > 0) {
        return describeIssue({ ...best, path: [...issue.path, ...best.path] } as Issue, data, schema);
      }
      return { path, text: `found ${show(found)}, which matches none of the allowed forms (see \`wattshift schema\`)` };
    }
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const rel = issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
      const what = issue.origin === 'array' ? 'number of items' : issue.origin === 'string' ? 'length' : 'value';
      const shown = issue.origin === 'array' && Array.isArray(found) ? `${found.length} items` : show(found);
      return { path, text: `found ${shown}; the ${what} must be ${rel} ${String(bound)}` };
    }
    default:
      return { path, text: `${issue.message}${found !== undefined ? ` (found ${show(found)})` : ''}` };
  }
}

/** Validates a parsed scenario, throwing one InputError that lists every problem found. */
export function validateScenario(source: ScenarioSource): Scenario {
  checkRawCounts(source.data, source.file);
  const result = Scenario.safeParse(source.data);
  if (result.success) return result.data;
  const described = result.error.issues.map((i) => describeIssue(i, source.data, Scenario));
  const lines = described.map((d) => {
    const loc = source.locate(d.path);
    const where = loc.line !== undefined ? `line ${loc.line}:${loc.column}` : '';
    return `${[where, formatPath(d.path) || '(top level)'].filter(Boolean).join(' ')}: ${d.text}`;
  });
  const first = described[0]!;
  const loc = source.locate(first.path);
  throw new InputError(
    'SCENARIO_INVALID',
    `${first.text}${described.length > 1 ? ` (and ${described.length - 1} more problem${described.length > 2 ? 's' : ''})` : ''}`,
    { ...loc, path: formatPath(first.path) || undefined },
    described.length > 1 ? lines : [],
  );
}
