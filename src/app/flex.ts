/**
 * Use case `flex`: the flexibility envelope of every site and of the fleet for one local day:
 * the largest reduction (and increase) of grid import each can hold from each hour for each
 * duration without breaking SLOs or QoS floors, and what it costs.
 */
import { InputError } from '../errors/index.ts';
import { flexibilityEnvelope, type Envelope } from '../programs/envelope.ts';
import { flexContext } from '../programs/levers.ts';
import { envelopeCsv, envelopeJson, isoLocal } from '../programs/report.ts';
import { calendarOf } from '../time/grid.ts';
import { csvFile, htmlFile, jsonFile, loadReport, siteTimeZones } from './files.ts';
import { policyOption } from './options.ts';
import { checkpoint } from './progress.ts';
import { runPolicy, type PolicyRun } from './run-policy.ts';
import { loadScenarioInput, type LoadedScenario, type ScenarioInput } from './scenario-input.ts';
import { num, table } from './text-format.ts';
import type { UseCaseDeps, UseCaseOutput } from './types.ts';

/** Options of `flex`. */
export interface FlexOptions {
  /** Local day (horizon time zone) to evaluate, YYYY-MM-DD (default: the first day). */
  day?: string;
  /** Hold durations, hours: a list, or numbers separated by commas (default 1,2,3,4). */
  durations?: string | number[];
  /** Base policy the flexibility is measured from (default naive). */
  policy?: string;
}

/** Input of {@link runFlex}. */
export interface FlexInput extends FlexOptions {
  scenario: ScenarioInput;
}

/** Result of {@link runFlex}: json is the envelope; files are envelope.json, envelope.csv and report.html. */
export interface FlexOutput extends UseCaseOutput<Record<string, unknown>> {
  scenario: LoadedScenario;
  envelope: Envelope;
  /** The day evaluated, YYYY-MM-DD in the horizon's time zone. */
  day: string;
  /** The base run the flexibility is measured from. */
  base: PolicyRun;
}

/** Sites printed hour by hour; larger fleets get one summary row per site. */
const MAX_SITE_TABLES = 8;

/** Parses `1,2,3,4` into hours, each a whole number of steps and at most 24. */
export function parseDurations(text: string | number[], stepMinutes: number): number[] {
  const parts = Array.isArray(text) ? text.map(String) : text.split(',').map((s) => s.trim()).filter(Boolean);
  const out = parts.map((p) => Number(p));
  const bad = parts.find((p, i) => !(out[i]! > 0 && out[i]! <= 24 && Math.abs(Math.round((out[i]! * 60) / stepMinutes) * stepMinutes - out[i]! * 60) < 1e-9));
  if (parts.length === 0 || bad !== undefined) {
    throw new InputError('OPTION_INVALID', `found "${bad ?? String(text)}"; give hours between 0 and 24, each a whole number of ${stepMinutes}-minute steps, separated by commas (e.g. 1,2,3,4)`, { path: '--durations' });
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

/** Measures the flexibility envelope of one day from a base policy run. */
export async function runFlex(input: FlexInput, deps: UseCaseDeps): Promise<FlexOutput> {
  const policy = policyOption(input.policy ?? 'naive');
  checkpoint(deps, 'before loading the scenario');
  const scenario = loadScenarioInput(input.scenario);
  const { model } = scenario;
  const durations = parseDurations(input.durations ?? '1,2,3,4', model.grid.stepMinutes);
  const cal = calendarOf(model.grid, model.grid.timeZone);
  const day = input.day ?? cal.dayKeys[0]!;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new InputError('OPTION_INVALID', `found "${day}"; write the day as YYYY-MM-DD`, { path: '--day' });
  const d = cal.dayKeys.indexOf(day);
  if (d < 0) throw new InputError('OPTION_INVALID', `${day} is not in the horizon (${cal.dayKeys[0]} to ${cal.dayKeys[cal.dayKeys.length - 1]}, ${model.grid.timeZone})`, { path: '--day' });
  let from = -1;
  let to = -1;
  for (let t = 0; t < model.grid.steps; t++) {
    if (cal.dayIndex[t] !== d) continue;
    if (from < 0) from = t;
    to = t + 1;
  }
  const base = await runPolicy(scenario, policy, deps, { plan: [0, 0.4, 'plan'], simulate: [0.4, 0.7, 'simulate'] });
  checkpoint(deps, 'before the envelope');
  const envelope = flexibilityEnvelope(flexContext(model, base.dispatch, base.ledger), { fromStep: from, toStep: to, durations });
  deps.progress?.(1, 'done');
  const json = envelopeJson(model, envelope, day);
  return {
    scenario,
    envelope,
    day,
    base,
    json,
    text: flexText(model.grid.timeZone, envelope, day),
    files: async () => {
      const { renderReportHtml } = await loadReport();
      const { envelopeSection } = await import('../programs/report-sections.ts');
      const { summary, bills, ledger } = base;
      return [
        jsonFile('envelope.json', json),
        csvFile('envelope.csv', envelopeCsv(model, envelope, model.currency)),
        htmlFile('report.html', renderReportHtml({ summary, ledger, bills, siteTimeZones: siteTimeZones(model), extraSections: [envelopeSection(model, envelope, day)] })),
      ];
    },
  };
}

function hourTable(tz: string, env: Envelope, hours: Envelope['fleet']): string {
  const head = ['hour', ...env.durations.map((d) => `-${d}h kW`), ...env.durations.map((d) => `+${d}h kW`), `lost GPU-h ${env.durations[0]}h`, `deferred GPU-h ${env.durations[0]}h`];
  const rows = hours.map((h) => [
    isoLocal(h.startMs, tz).slice(11, 16),
    ...h.reduce.map((c) => (c.feasible ? num(c.kw, 0) : '–')),
    ...h.increase.map((c) => (c.feasible ? num(c.kw, 0) : '–')),
    num(h.reduce[0]?.lostGpuHours ?? 0, 1),
    num(h.reduce[0]?.deferredGpuHours ?? 0, 1),
  ]);
  return table([head, ...rows]);
}

function flexText(tz: string, env: Envelope, day: string): string {
  const out: string[] = [`flexibility envelope, ${day} (${tz}): change of grid import each can hold from each hour (- reduce, + increase)`, ''];
  if (env.sites.length <= MAX_SITE_TABLES) {
    for (const s of env.sites) out.push(`site ${s.id}`, hourTable(tz, env, s.hours), '');
  } else {
    const rows = [['site', ...env.durations.map((d) => `best -${d}h kW`), ...env.durations.map((d) => `worst -${d}h kW`)]];
    for (const s of env.sites) {
      rows.push([s.id, ...env.durations.map((_, k) => num(Math.max(...s.hours.map((h) => h.reduce[k]!.kw)), 0)), ...env.durations.map((_, k) => num(Math.min(...s.hours.filter((h) => h.reduce[k]!.feasible).map((h) => h.reduce[k]!.kw)), 0))]);
    }
    out.push(`${env.sites.length} sites (hourly tables with --out or --json)`, table(rows), '');
  }
  out.push('fleet (what the aggregator can promise)', hourTable(tz, env, env.fleet));
  return `${out.join('\n')}\n`;
}
