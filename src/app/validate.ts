/** Use case `validate`: check a scenario and the series it names without running it. */
import type { InputError } from '../errors/index.ts';
import { scenarioJsonSchema } from '../scenario/schema/index.ts';
import { describeFill } from '../series/fill.ts';
import type { AlignReport } from '../series/types.ts';
import { loadScenarioInput, type LoadedScenario, type ScenarioInput } from './scenario-input.ts';
import { checkpoint } from './progress.ts';
import type { UseCaseDeps, UseCaseOutput } from './types.ts';

/** One problem in the `validate --json` document of a scenario that is not valid. */
export interface ValidateProblem {
  code: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  /** JSON path (`sites[0].grid.importLimitMW`) or option (`--policy`). */
  path?: string;
}

/** The `validate --json` document of a scenario that is not valid (printed on stdout; exit code 2). */
export interface ValidateErrorJson {
  ok: false;
  /** The first problem's code (every problem of one pass shares it). */
  code: string;
  errors: ValidateProblem[];
}

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
  if (r.gapSteps > 0) notes.push(`${r.gapSteps} missing step${r.gapSteps > 1 ? 's' : ''} in ${r.gapRuns} gap${r.gapRuns > 1 ? 's' : ''} (longest ${r.longestGapSteps}): ${describeFill(r)}`);
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

/** A detail line as the scenario validator writes it: `line 12:5 sites[0].grid: text`. */
const DETAIL = /^(?:line (\d+):(\d+) )?([^\s:][^:]*?): (.*)$/s;

/**
 * The `validate --json` document for an input error: every problem with its code, message and
 * location (file, line, column, JSON path), so scripts need not parse the text on stderr.
 */
export function validateErrorJson(e: InputError): ValidateErrorJson {
  const first: ValidateProblem = { code: e.code, message: e.message, ...e.location };
  let errors: ValidateProblem[] = [first];
  if (e.details.length > 0) {
    // a schema pass lists every problem (the first included) as details
    const listed = e.details.map((d): ValidateProblem => {
      const m = DETAIL.exec(d);
      if (!m) return { code: e.code, message: d, file: e.location.file };
      const p: ValidateProblem = { code: e.code, message: m[4]!, file: e.location.file, path: m[3] === '(top level)' ? undefined : m[3] };
      if (m[1] !== undefined) {
        p.line = Number(m[1]);
        p.column = Number(m[2]);
      }
      return p;
    });
    const firstListed = listed[0]!;
    errors = firstListed.path === first.path && (first.path !== undefined || firstListed.line === first.line) ? listed : [first, ...listed];
  }
  return { ok: false, code: e.code, errors: errors.map((x) => Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined)) as unknown as ValidateProblem) };
}

/** The JSON Schema of summary.json (what `wattshift schema --summary` prints). */
export { summaryJsonSchema as summarySchemaDocument } from '../metrics/summary-schema.ts';

/** The JSON Schema of the scenario format, with its `$id` (what `wattshift schema` prints). */
export function scenarioSchemaDocument(): Record<string, unknown> {
  return { $id: 'https://wattshift.dev/schema/scenario.schema.json', ...scenarioJsonSchema() };
}
