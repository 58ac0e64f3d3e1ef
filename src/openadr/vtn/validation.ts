/**
 * Request documents checked against the (patched) spec's own schemas with Ajv (OpenAPI 3.0
 * dialect: `nullable`, `format: int32/float` and `discriminator`, `example` as annotations).
 * Every problem is reported with its JSON path. One relaxation: the User Guide's "now" starts
 * "0001-01-01" and "0001-01-01T00:00:00", which are not RFC 3339 date-times, are accepted and
 * stored as "0001-01-01T00:00:00Z".
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { openAdrSpec } from '../spec.ts';
import { badRequest, type FieldIssue } from './problem.ts';

// ajv-formats is CommonJS with a default export
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** Schemas of request bodies the VTN reads. */
export type RequestSchema = 'programRequest' | 'eventRequest' | 'reportRequest' | 'subscriptionRequest' | 'venRequest' | 'resourceRequest';

/** The canonical "now" start. */
export const NOW_START = '0001-01-01T00:00:00Z';

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

/** An Ajv instance holding the spec's components under the id `openadr`. */
export function specAjv(): Ajv {
  if (ajv) return ajv;
  const a = new Ajv({ allErrors: true, strict: false, validateFormats: true });
  addFormats(a);
  a.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  a.addFormat('float', { type: 'number', validate: (n: number) => Number.isFinite(n) });
  const doc = openAdrSpec();
  a.addSchema({ $id: 'openadr', components: doc.components } as object);
  ajv = a;
  return a;
}

/** The validator of one component schema. */
export function schemaValidator(name: string): ValidateFunction {
  let v = compiled.get(name);
  if (!v) {
    v = specAjv().getSchema(`openadr#/components/schemas/${name}`);
    if (!v) throw new Error(`no schema ${name} in the OpenADR spec`);
    compiled.set(name, v);
  }
  return v;
}

/** `/intervals/2/intervalPeriod` → `intervals[2].intervalPeriod`. */
export function jsonPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

function issue(e: ErrorObject): FieldIssue {
  const path = jsonPath(e.instancePath);
  const params = e.params as Record<string, unknown>;
  let message = e.message ?? 'is not valid';
  if (e.keyword === 'required') return { path: path ? `${path}.${String(params.missingProperty)}` : String(params.missingProperty), message: 'is required' };
  if (e.keyword === 'enum') message = `must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}`;
  if (e.keyword === 'additionalProperties') message = `has an unknown property "${String(params.additionalProperty)}"`;
  return { path, message };
}

/** Replaces the "now" forms that are not RFC 3339 date-times by the canonical one (in place). */
function canonicaliseNow(doc: unknown): void {
  const fix = (p: unknown) => {
    if (p && typeof p === 'object' && !Array.isArray(p)) {
      const ip = p as { start?: unknown };
      if (ip.start === '0001-01-01' || ip.start === '0001-01-01T00:00:00') ip.start = NOW_START;
    }
  };
  if (!doc || typeof doc !== 'object') return;
  const d = doc as { intervalPeriod?: unknown; intervals?: unknown; resources?: unknown };
  fix(d.intervalPeriod);
  const walkIntervals = (ivs: unknown) => {
    if (Array.isArray(ivs)) for (const iv of ivs) if (iv && typeof iv === 'object') fix((iv as { intervalPeriod?: unknown }).intervalPeriod);
  };
  walkIntervals(d.intervals);
  if (Array.isArray(d.resources)) {
    for (const r of d.resources) {
      if (r && typeof r === 'object') {
        fix((r as { intervalPeriod?: unknown }).intervalPeriod);
        walkIntervals((r as { intervals?: unknown }).intervals);
      }
    }
  }
}

/**
 * Checks a request body against `schema`; returns it typed, or throws a 400 listing every
 * problem. For the `oneOf` schemas (venRequest, resourceRequest) the problems of the variant
 * named by `objectType` are listed.
 */
export function checkBody<T>(schema: RequestSchema, body: unknown): T {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest(`the request body must be a JSON object (${schema})`);
  }
  canonicaliseNow(body);
  const v = schemaValidator(schema);
  if (v(body)) return body as T;
  let errors = v.errors ?? [];
  const variants: Partial<Record<RequestSchema, Record<string, string>>> = {
    venRequest: { VEN_VEN_REQUEST: 'VenVenRequest', BL_VEN_REQUEST: 'BlVenRequest' },
    resourceRequest: { BL_RESOURCE_REQUEST: 'BlResourceRequest', VEN_RESOURCE_REQUEST: 'VenResourceRequest' },
  };
  const byType = variants[schema];
  if (byType) {
    const ot = (body as { objectType?: unknown }).objectType;
    const variant = typeof ot === 'string' ? byType[ot] : undefined;
    if (!variant) {
      throw badRequest(`${schema}: objectType must be one of ${Object.keys(byType).join(', ')}`, [{ path: 'objectType', message: `found ${JSON.stringify(ot)}; must be one of ${Object.keys(byType).join(', ')}` }]);
    }
    const vv = schemaValidator(variant);
    vv(body);
    errors = vv.errors ?? errors;
  }
  const issues = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'if').map(issue);
  const unique = [...new Map(issues.map((i) => [`${i.path}|${i.message}`, i])).values()];
  throw badRequest(`the ${schema} is not valid: ${unique.slice(0, 5).map((i) => `${i.path || '(document)'} ${i.message}`).join('; ')}${unique.length > 5 ? `; and ${unique.length - 5} more` : ''}`, unique);
}
