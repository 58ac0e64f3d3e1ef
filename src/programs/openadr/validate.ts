/**
 * Checks documents against the OpenADR specification's schemas (OpenAPI 3.0 dialect: `nullable`,
 * `date-time`, `int32` and `float` formats, `#/components/schemas/…` references) with ajv, and
 * reports every problem with its JSON path and in words (what was found, what is valid), so a bad
 * event file names the place.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { OPENADR_SCHEMAS, type SchemaNode } from './schema.ts';

/** One schema violation. */
export interface SchemaIssue {
  /** JSON path, e.g. `intervals[2].intervalPeriod.duration`. */
  path: string;
  message: string;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** True for an RFC 3339 date-time with `T` and an offset (what OpenAPI's `format: date-time` means here). */
export function isRfc3339(text: string): boolean {
  const m = RFC3339.exec(text);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = [+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60) return false;
  return new Date(Date.UTC(y, mo - 1, d)).getUTCDate() === d;
}

/** The copied specification as one document; local references become references into it. */
const ROOT_ID = 'https://wattshift.dev/openadr/3.1.0/openadr3.json';

function absoluteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(absoluteRefs);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] = k === '$ref' && typeof v === 'string' ? v.replace(/^#\/(?:components\/schemas|definitions)\//, `${ROOT_ID}#/components/schemas/`) : absoluteRefs(v);
  }
  return out;
}

const ajv = new Ajv({ allErrors: true, strict: false, formats: { 'date-time': isRfc3339, int32: { type: 'number', validate: (x: number) => Number.isInteger(x) && x >= -(2 ** 31) && x < 2 ** 31 }, float: { type: 'number', validate: (x: number) => Number.isFinite(x) } } });
ajv.addSchema({ $id: ROOT_ID, components: { schemas: absoluteRefs(OPENADR_SCHEMAS) } });
const compiled = new WeakMap<SchemaNode, ValidateFunction>();

function validatorFor(schema: SchemaNode): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile(absoluteRefs(schema) as object);
    compiled.set(schema, v);
  }
  return v;
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

/** `/intervals/2/duration` under `base` → `base.intervals[2].duration`. */
function pathOf(base: string, pointer: string): string {
  let out = base;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out = /^\d+$/.test(key) ? `${out}[${key}]` : out ? `${out}.${key}` : key;
  }
  return out;
}

function valueAt(root: unknown, pointer: string): unknown {
  let v = root;
  for (const raw of pointer.split('/').slice(1)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return v;
}

/** One ajv error in words: what was found and what would be valid. */
function describe(e: ErrorObject, found: unknown): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type': {
      const t = String(p.type);
      return `found ${show(found)} (${typeOf(found)}); expected ${t === 'object' ? 'an object' : t === 'array' ? 'an array' : t === 'integer' ? 'an integer' : `a ${t}`}`;
    }
    case 'required':
      return `missing required field "${String(p.missingProperty)}"`;
    case 'enum':
      return `found ${show(found)}; valid values: ${(p.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'pattern':
      return `found ${show(found)}; does not match ${p.pattern === OPENADR_SCHEMAS.duration?.pattern ? 'an ISO 8601 duration such as PT1H or PT15M' : `the pattern ${String(p.pattern)}`}`;
    case 'format':
      if (p.format === 'date-time') return `found ${show(found)}; expected an RFC 3339 date-time such as 2025-05-03T16:00:00-07:00`;
      return p.format === 'int32' ? `found ${show(found)}; must be a 32-bit integer` : `found ${show(found)}; not a valid ${String(p.format)}`;
    case 'minimum':
    case 'exclusiveMinimum':
      return `found ${show(found)}; must be ${e.keyword === 'minimum' ? '≥' : '>'} ${String(p.limit)}`;
    case 'maximum':
    case 'exclusiveMaximum':
      return `found ${show(found)}; must be ${e.keyword === 'maximum' ? '≤' : '<'} ${String(p.limit)}`;
    case 'minLength':
      return `found ${show(found)}; must be at least ${String(p.limit)} characters`;
    case 'maxLength':
      return `found a string of ${String(found).length} characters; must be at most ${String(p.limit)}`;
    case 'minItems':
      return `found ${Array.isArray(found) ? found.length : 0} items; needs at least ${String(p.limit)}`;
    case 'maxItems':
      return `found ${Array.isArray(found) ? found.length : 0} items; allows at most ${String(p.limit)}`;
    case 'anyOf':
      return `found ${show(found)}, which matches none of the allowed forms`;
    case 'oneOf':
      return p.passingSchemas ? `found ${show(found)}, which matches more than one of the allowed forms` : `found ${show(found)}, which matches none of the allowed forms`;
    default:
      return `found ${show(found)}; ${e.message ?? 'not valid'}`;
  }
}

/**
 * Checks `value` against `schema` and returns every issue found. References resolve in the copied
 * OpenADR schemas (`root` is kept for callers; only that root is supported).
 */
export function validateAgainst(value: unknown, schema: SchemaNode, root: Readonly<Record<string, SchemaNode>> = OPENADR_SCHEMAS, path = ''): SchemaIssue[] {
  if (root !== OPENADR_SCHEMAS) throw new Error('validateAgainst resolves references in the OpenADR schemas only');
  const v = validatorFor(schema);
  if (v(value)) return [];
  const errors = v.errors ?? [];
  // a failed anyOf/oneOf says so once; its branches' own complaints are left out
  const alternatives = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => `${e.schemaPath}/`);
  // a value of the wrong type is not also reported for its format
  const wrongType = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const kept = errors.filter((e) => !alternatives.some((a) => e.schemaPath.startsWith(a)) && e.keyword !== 'if' && !(e.keyword === 'format' && wrongType.has(e.instancePath)));
  const seen = new Set<string>();
  const out: SchemaIssue[] = [];
  for (const e of kept) {
    const at = e.keyword === 'required' ? `${e.instancePath}/${String((e.params as { missingProperty: string }).missingProperty)}` : e.instancePath;
    const issue = { path: pathOf(path, at), message: describe(e, valueAt(value, e.instancePath)) };
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(issue);
  }
  return out;
}

/** Checks a document against a named OpenADR component schema (e.g. `eventRequest`). */
export function validateOpenAdr(value: unknown, component: string, path = ''): SchemaIssue[] {
  const schema = OPENADR_SCHEMAS[component];
  if (!schema) throw new Error(`unknown OpenADR schema ${component}`);
  return validateAgainst(value, schema, OPENADR_SCHEMAS, path);
}
