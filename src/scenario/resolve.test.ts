import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../pipeline.ts';
import { thrown } from '../../test/helpers/input-error.ts';
import { h100Site, scenarioYaml } from '../../test/helpers/scenario-yaml.ts';

const scenario = (job: string) =>
  scenarioYaml({
    name: 't',
    horizon: 'start: 2023-03-01T00:00, end: 2023-04-01T00:00, timeZone: America/Chicago',
    sites: [h100Site('a', 64)],
    rest: `workloads:
  - { id: train, type: training, accelerator: H100, sites: [a], workGpuHours: 1000, gpus: { max: 8 }, ${job} }
`,
  });

describe('training windows against the horizon', () => {
  it('warns, with the dates in the horizon zone, when a deadline lies after the horizon', () => {
    const r = loadScenarioText(scenario('deadline: 2023-06-30T00:00'), '.');
    expect(r.workloads[0]!.deadlineStep).toBe(r.grid.steps);
    const w = r.warnings.find((x) => x.includes('deadline'));
    expect(w).toBe('workloads[0] ("train"): the deadline 2023-06-30T00:00 lies after the end of the horizon 2023-03-01 00:00 to 2023-04-01 00:00 (America/Chicago); the job is planned and judged as if due at the horizon end (work left then counts as unserved and the job as late)');
  });

  it('stays quiet for a deadline inside the horizon or at its end', () => {
    expect(loadScenarioText(scenario('deadline: 2023-03-20T00:00'), '.').warnings.some((x) => x.includes('deadline'))).toBe(false);
    expect(loadScenarioText(scenario('deadline: 2023-04-01T00:00'), '.').warnings.some((x) => x.includes('deadline'))).toBe(false);
  });

  it('refuses a deadline before the horizon and a release after it, naming the horizon', () => {
    const early = thrown(() => loadScenarioText(scenario('deadline: 2023-02-01T00:00'), '.'));
    expect(early.location.path).toBe('workloads[0].deadline');
    expect(early.message).toContain('the deadline (2023-02-01T00:00) is at or before the start of the horizon 2023-03-01 00:00 to 2023-04-01 00:00 (America/Chicago)');
    const late = thrown(() => loadScenarioText(scenario('release: 2023-05-01T00:00'), '.'));
    expect(late.location.path).toBe('workloads[0].release');
    expect(late.message).toContain('the release (2023-05-01T00:00) is at or after the end of the horizon 2023-03-01 00:00 to 2023-04-01 00:00 (America/Chicago)');
  });
});
