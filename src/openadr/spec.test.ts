/**
 * The specification copies and their patches: the copy is the published file (when the shared
 * copy is beside the repository), each patch mends exactly the defect it names, and the
 * generated patched file is current.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PATCHED_SPEC_FILE, SPEC_FILE, SPEC_PATCHES, loadPublishedSpec, openAdrSpec, patchSpec, patchedSpecText, specOperations, type JsonObject } from './spec.ts';
import { schemaValidator } from './vtn/validation.ts';

/** The shared copy of the spec beside the repository (../shared, or ../../shared from a worktree), if any. */
const SHARED_DIR = ['../../../shared/openadr3/3.1.0/', '../../../../shared/openadr3/3.1.0/'].map((p) => fileURLToPath(new URL(p, import.meta.url))).find((d) => existsSync(d));
const SHARED = SHARED_DIR ? `${SHARED_DIR}openadr3.yaml` : '';

const schemas = (d: JsonObject) => (d.components as JsonObject).schemas as Record<string, JsonObject>;

describe('OpenADR 3.1.0 spec', () => {
  it.runIf(SHARED !== '')('the copy in the repository is the published file, byte for byte', () => {
    expect(readFileSync(SPEC_FILE)).toEqual(readFileSync(SHARED));
  });

  it('the published file has the three defects; the patched document has none', () => {
    const pub = loadPublishedSpec();
    const ven = schemas(pub).ven!.allOf as JsonObject[];
    expect(ven[1]).toEqual({ $ref: '#/components/schemas/BlVenRequest' });
    expect((((schemas(pub).BlVenRequest!.properties as JsonObject).targets as JsonObject).default)).toMatch(/^null\s+-$/);
    const scopes = () => ((((pub.components as JsonObject).securitySchemes as JsonObject).oAuth2ClientCredentials as JsonObject).flows as JsonObject);
    expect(Object.keys(((scopes().clientCredentials as JsonObject).scopes as JsonObject))).not.toContain('read_bl');

    const doc = patchSpec(pub);
    expect(Object.keys((((((doc.components as JsonObject).securitySchemes as JsonObject).oAuth2ClientCredentials as JsonObject).flows as JsonObject).clientCredentials as JsonObject).scopes as JsonObject)).toContain('read_bl');
    expect(((schemas(doc).BlVenRequest!.properties as JsonObject).targets as JsonObject).default).toBeNull();
    // request schemas keep their discriminating objectType
    expect(((schemas(doc).BlVenRequest!.properties as JsonObject).objectType as JsonObject).enum).toEqual(['BL_VEN_REQUEST']);
    // everything else is untouched
    const strip = (d: JsonObject) => {
      const c = structuredClone(d);
      for (const n of ['ven', 'resource', 'BlVenRequest']) delete schemas(c)[n];
      delete (c.components as JsonObject).securitySchemes;
      return c;
    };
    expect(strip(doc)).toEqual(strip(pub));
    expect(SPEC_PATCHES.map((p) => p.id)).toEqual(['stray-dash', 'ven-object-type', 'resource-object-type', 'read-bl-scope']);
    // the ven schema's copy of BlVenRequest carries the mended default too
    expect((((schemas(doc).ven!.allOf as JsonObject[])[1]!.properties as JsonObject).targets as JsonObject).default).toBeNull();
  });

  it('server objects validate as "VEN" and "RESOURCE" after the patch, and could not before', () => {
    const meta = { id: 'x1', createdDateTime: '2026-01-01T00:00:00Z', modificationDateTime: '2026-01-01T00:00:00Z' };
    expect(schemaValidator('ven')({ ...meta, objectType: 'VEN', venName: 'v', clientID: 'c' })).toBe(true);
    expect(schemaValidator('ven')({ ...meta, objectType: 'BL_VEN_REQUEST', venName: 'v', clientID: 'c' })).toBe(false);
    expect(schemaValidator('resource')({ ...meta, objectType: 'RESOURCE', resourceName: 'r', venID: 'v1', clientID: 'c' })).toBe(true);
    const pubVen = (schemas(loadPublishedSpec()).BlVenRequest!.properties as JsonObject).objectType as JsonObject;
    expect(pubVen.enum).not.toContain('VEN');
  });

  it('a patch refuses to run on a file it no longer fits', () => {
    const doc = patchSpec(loadPublishedSpec());
    expect(() => SPEC_PATCHES[3]!.apply(doc)).toThrow(/already declared/);
    expect(() => SPEC_PATCHES[0]!.apply(doc)).toThrow(/no longer/);
    expect(() => SPEC_PATCHES[1]!.apply(doc)).toThrow(/no longer/);
  });

  it('the generated patched copy is current (npm run spec:patch)', () => {
    expect(readFileSync(PATCHED_SPEC_FILE, 'utf8')).toBe(patchedSpecText());
  });

  it('lists 45 operations with the scopes of the endpoint table', () => {
    const ops = specOperations(openAdrSpec());
    expect(ops).toHaveLength(45);
    const tsv = SHARED_DIR ? `${SHARED_DIR}endpoints-3.1.0.tsv` : '';
    if (tsv && existsSync(tsv)) {
      const rows = readFileSync(tsv, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
      expect(ops.map((o) => [o.method, o.path, o.operationId, o.scopes.join(' ') || '(none)'])).toEqual(rows.map((r) => [r[0], r[1], r[2], r[3]]));
    }
  });
});
