/**
 * A small validator for the OpenAPI 3.0 schema dialect the OpenADR specification uses (type,
 * nullable, required, properties, items, allOf/anyOf/oneOf, enum, pattern, lengths, bounds,
 * date-time and int32 formats, local $ref). It checks documents against the copied spec
 * schemas and reports every problem with its JSON path, so a bad event file names the place.
 */
import { OPENADR_SCHEMAS, type SchemaNode } from './schema.ts';

/** One schema violation. */
export interface SchemaIssue {
  /** JSON path, e.g. `intervals[2].intervalPeriod.duration`. */
  path: string;
  message: string;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** True for an RFC 3339 date-time (what OpenAPI's `format: date-time` means). */
export function isRfc3339(text: string): boolean {
  const m = RFC3339.exec(text);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = [+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60) return false;
  return new Date(Date.UTC(y, mo - 1, d)).getUTCDate() === d;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function child(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

function resolveRef(ref: string, root: Readonly<Record<string, SchemaNode>>): SchemaNode {
  const m = /^#\/(?:components\/schemas|definitions)\/(.+)$/.exec(ref);
  const target = m ? root[m[1]!] : undefined;
  if (!target) throw new Error(`schema reference ${ref} is not in the copied OpenADR schemas`);
  return target;
}

function check(value: unknown, schema: SchemaNode, path: string, root: Readonly<Record<string, SchemaNode>>, out: SchemaIssue[]): void {
  if (typeof schema.$ref === 'string') {
    check(value, resolveRef(schema.$ref, root), path, root, out);
    return;
  }
  if (value === null && schema.nullable === true) return;
  if (Array.isArray(schema.allOf)) for (const s of schema.allOf as SchemaNode[]) check(value, s, path, root, out);
  for (const kind of ['anyOf', 'oneOf'] as const) {
    const alts = schema[kind];
    if (!Array.isArray(alts)) continue;
    const passing = (alts as SchemaNode[]).filter((s) => {
      const tmp: SchemaIssue[] = [];
      check(value, s, path, root, tmp);
      return tmp.length === 0;
    }).length;
    if (passing === 0) out.push({ path, message: `found ${show(value)}, which matches none of the allowed forms (${(alts as SchemaNode[]).map(describe).join(', ')})` });
    else if (kind === 'oneOf' && passing > 1) out.push({ path, message: `found ${show(value)}, which matches more than one of the allowed forms` });
  }
  const type = schema.type;
  if (typeof type === 'string') {
    const t = typeOf(value);
    const ok = type === 'integer' ? typeof value === 'number' && Number.isInteger(value) : type === 'number' ? typeof value === 'number' && Number.isFinite(value) : t === type;
    if (!ok) {
      out.push({ path, message: `found ${show(value)} (${t}); expected ${type === 'object' ? 'an object' : type === 'array' ? 'an array' : `a ${type}`}` });
      return;
    }
  }
  if (Array.isArray(schema.enum) && !(schema.enum as unknown[]).includes(value)) {
    out.push({ path, message: `found ${show(value)}; valid values: ${(schema.enum as unknown[]).map((e) => String(e)).join(', ')}` });
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) out.push({ path, message: `found ${show(value)}; must be at least ${schema.minLength} characters` });
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) out.push({ path, message: `found a string of ${value.length} characters; must be at most ${schema.maxLength}` });
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value)) {
      out.push({ path, message: `found ${show(value)}; does not match ${schema === root.duration ? 'an ISO 8601 duration such as PT1H or PT15M' : `the pattern ${schema.pattern}`}` });
    }
    if (schema.format === 'date-time' && !isRfc3339(value)) out.push({ path, message: `found ${show(value)}; expected an RFC 3339 date-time such as 2025-05-03T16:00:00-07:00` });
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) out.push({ path, message: `found ${value}; must be ≥ ${schema.minimum}` });
    if (typeof schema.maximum === 'number' && value > schema.maximum) out.push({ path, message: `found ${value}; must be ≤ ${schema.maximum}` });
    if (schema.format === 'int32' && (value < -(2 ** 31) || value >= 2 ** 31)) out.push({ path, message: `found ${value}; must be a 32-bit integer` });
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) out.push({ path, message: `found ${value.length} items; needs at least ${schema.minItems}` });
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) out.push({ path, message: `found ${value.length} items; allows at most ${schema.maxItems}` });
    if (schema.items && typeof schema.items === 'object') value.forEach((v, i) => check(v, schema.items as SchemaNode, child(path, i), root, out));
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    if (Array.isArray(schema.required)) {
      for (const k of schema.required as string[]) if (!(k in obj)) out.push({ path: child(path, k), message: `missing required field "${k}"` });
    }
    const props = schema.properties as Record<string, SchemaNode> | undefined;
    if (props) for (const [k, s] of Object.entries(props)) if (k in obj) check(obj[k], s, child(path, k), root, out);
  }
}

function describe(s: SchemaNode): string {
  if (typeof s.$ref === 'string') return s.$ref.split('/').pop()!;
  return typeof s.type === 'string' ? s.type : 'schema';
}

/** Checks `value` against `schema` (refs resolve in `root`); returns every issue found. */
export function validateAgainst(value: unknown, schema: SchemaNode, root: Readonly<Record<string, SchemaNode>> = OPENADR_SCHEMAS, path = ''): SchemaIssue[] {
  const out: SchemaIssue[] = [];
  check(value, schema, path, root, out);
  return out;
}

/** Checks a document against a named OpenADR component schema (e.g. `eventRequest`). */
export function validateOpenAdr(value: unknown, component: string, path = ''): SchemaIssue[] {
  const schema = OPENADR_SCHEMAS[component];
  if (!schema) throw new Error(`unknown OpenADR schema ${component}`);
  return validateAgainst(value, schema, OPENADR_SCHEMAS, path);
}
