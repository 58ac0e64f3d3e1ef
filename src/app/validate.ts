/** Use case `validate`: check a scenario and the series it names without running it. */
import { scenarioJsonSchema } from '../scenario/schema/index.ts';
import type { AlignReport } from '../series/types.ts';
import { loadScenarioInput, type LoadedScenario, type ScenarioInput } from './scenario-input.ts';
import { checkpoint } from './progress.ts';
import type { UseCaseDeps, UseCaseOutput } from './types.ts';

/** Input of {@link runValidate}. */
export interface ValidateInput {
  scenario: ScenarioInput;
}

/** The `validate --json` document. */
export interface ValidateJson {
  ok: true;
  scenario: string;
  steps: number;
  stepMinutes: number;
  timeZone: string;
  /** designPue is null for a site without IT (loads only). */
  sites: Array<{ id: string; installedItMW: number; designPue: number | null }>;
  workloads: Array<{ id: string; type: string }>;
  series: AlignReport[];
  warnings: string[];
}

/** Result of {@link runValidate} (no files). A scenario that is not valid is an InputError instead. */
export interface ValidateOutput extends UseCaseOutput<ValidateJson> {
  scenario: LoadedScenario;
}

function seriesLine(r: AlignReport): string {
  const notes: string[] = [];
  if (r.gapSteps > 0) notes.push(`${r.gapSteps} missing step${r.gapSteps > 1 ? 's' : ''} in ${r.gapRuns} gap${r.gapRuns > 1 ? 's' : ''} (longest ${r.longestGapSteps}) filled by ${r.fill}`);
  if (r.duplicates > 0) notes.push(`${r.duplicates} duplicate time${r.duplicates > 1 ? 's' : ''} (later row kept)`);
  if (r.missingCells > 0) notes.push(`${r.missingCells} empty cell${r.missingCells > 1 ? 's' : ''}`);
  if (r.nonexistentLocalTimes > 0) notes.push(`${r.nonexistentLocalTimes} local time${r.nonexistentLocalTimes > 1 ? 's' : ''} skipped by DST dropped`);
  const conv = r.unitFrom !== r.unitTo ? `, ${r.unitFrom} → ${r.unitTo}` : '';
  return `  ${r.name}: ${r.samplesInHorizon} samples${conv}${r.resample !== 'none' ? `, ${r.resample}` : ''}${notes.length ? `; ${notes.join('; ')}` : ''}`;
}

/** Loads the scenario (physics checks included) and reports its series' alignment. Solves nothing: `deps` is optional. */
export async function runValidate(input: ValidateInput, deps: Partial<UseCaseDeps> = {}): Promise<ValidateOutput> {
  checkpoint(deps, 'before loading the scenario');
  const scenario = loadScenarioInput(input.scenario);
  const { resolved, model } = scenario;
  const s = resolved.scenario;
  const json: ValidateJson = {
    ok: true,
    scenario: s.name,
    steps: resolved.grid.steps,
    stepMinutes: resolved.grid.stepMinutes,
    timeZone: resolved.grid.timeZone,
    sites: model.sites.map((x) => ({ id: x.id, installedItMW: x.installedItKW / 1000, designPue: Number.isFinite(x.facility.designPue) ? x.facility.designPue : null })),
    workloads: s.workloads.map((w) => ({ id: w.id, type: w.type })),
    series: resolved.seriesReports,
    warnings: resolved.warnings,
  };
  const lines = [
    `ok: ${s.name} — ${s.sites.length} site${s.sites.length > 1 ? 's' : ''}, ${s.workloads.length} workload${s.workloads.length === 1 ? '' : 's'}, ${resolved.grid.steps} steps of ${resolved.grid.stepMinutes} min (${resolved.grid.timeZone})`,
    ...model.sites.map((x) => `  site ${x.id}: ${x.installedItKW > 0 ? `${(x.installedItKW / 1000).toFixed(1)} MW IT installed, design PUE ${x.facility.designPue.toFixed(3)}` : 'no IT (loads only)'}`),
  ];
  if (resolved.seriesReports.length) lines.push('series:', ...resolved.seriesReports.map(seriesLine));
  if (resolved.warnings.length) lines.push('warnings:', ...resolved.warnings.map((w) => `  ${w}`));
  return { scenario, json, text: `${lines.join('\n')}\n`, files: () => Promise.resolve([]) };
}

/** The JSON Schema of the scenario format, with its `$id` (what `wattshift schema` prints). */
export function scenarioSchemaDocument(): Record<string, unknown> {
  return { $id: 'https://wattshift.dev/schema/scenario.schema.json', ...scenarioJsonSchema() };
}
