import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../../test/cli/run-cli.ts';
import { runPlan } from '../app/plan.ts';
import { runSimulate } from '../app/simulate.ts';
import { defaultSolverFactory } from '../optimize/solver-factory.ts';
import { SUMMARY_SCHEMA_VERSION, summaryJsonSchema } from './summary-schema.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLES = readdirSync(`${ROOT}examples`).filter((f) => f.endsWith('.yaml')).sort();
const deps = { solverFactory: defaultSolverFactory };

function validator() {
  const schema = summaryJsonSchema();
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  return ajv.compile(schema);
}

describe('the summary.json schema', () => {
  it('is published as schema/summary.schema.json, exactly what `wattshift schema --summary` prints', async () => {
    const r = await runInProcess(['schema', '--summary']);
    expect(r.code).toBe(0);
    expect(readFileSync(`${ROOT}schema/summary.schema.json`, 'utf8')).toBe(r.out);
    expect(JSON.parse(r.out).$id).toBe(`https://wattshift.dev/schema/summary-${SUMMARY_SCHEMA_VERSION}.schema.json`);
  });

  it('accepts the summary of every example (simulate) and of a plan, each carrying schemaVersion', async () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(4);
    const validate = validator();
    for (const f of EXAMPLES) {
      const r = await runSimulate({ scenario: { file: `${ROOT}examples/${f}` } }, deps);
      const doc = JSON.parse(JSON.stringify(r.json)) as unknown;
      expect(validate(doc), `${f}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
      expect(r.json.schemaVersion).toBe(SUMMARY_SCHEMA_VERSION);
    }
    const plan = await runPlan({ scenario: { file: `${ROOT}examples/phoenix-2025.yaml` } }, deps);
    expect(validate(JSON.parse(JSON.stringify(plan.json))), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(plan.json.savings).toBeDefined();
  });

  it('refuses a summary with a wrong type or a missing field, naming the path', async () => {
    const validate = validator();
    const r = await runSimulate({ scenario: { file: `${ROOT}examples/phoenix-2025.yaml` } }, deps);
    const bad = JSON.parse(JSON.stringify(r.json)) as { fleet: { pue: unknown }; sites: Array<Record<string, unknown>> };
    bad.fleet.pue = '1.2';
    delete bad.sites[0]!.id;
    expect(validate(bad)).toBe(false);
    const paths = (validate.errors ?? []).map((e) => e.instancePath);
    expect(paths).toContain('/fleet/pue');
    expect(paths).toContain('/sites/0');
  });
});
