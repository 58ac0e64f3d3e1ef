/**
 * The scenario a use case runs on: a file, text with the folder its series paths are relative
 * to, or a scenario already loaded (so a server can load once and run many times). Loading
 * reads, validates and resolves it (series aligned) and builds the physics model, with every
 * error located in the file.
 */
import { InputError } from '../errors/index.ts';
import type { PathPolicy } from '../files/input-file.ts';
import type { SweepScenario } from '../finance/sweep-point.ts';
import { buildFleetModel, type FleetModel } from '../model/fleet-model.ts';
import { resolveScenario, type ResolvedScenario } from '../scenario/resolve.ts';
import { locateError, parseScenarioText, readScenarioFile, type ScenarioSource } from '../scenario/source.ts';
import { validateScenario } from '../scenario/validate.ts';

/** A scenario loaded once: its source, resolved series and physics model. Treat as read-only. */
export interface LoadedScenario {
  /** The parsed file or text (raw data, and line/column lookup for messages). */
  source: ScenarioSource;
  resolved: ResolvedScenario;
  model: FleetModel;
}

/** Where a use case gets its scenario. */
export type ScenarioInput =
  /** A YAML or JSON file; series paths are relative to its folder. */
  | { file: string }
  /**
   * YAML or JSON text; series paths are relative to `baseDir`; `name` is used in messages. A
   * `policy` with a root keeps every file the scenario names inside that folder (a server's
   * upload: its bundle's folder).
   */
  | { text: string; baseDir: string; name?: string; policy?: PathPolicy }
  /** A scenario loaded by {@link loadScenarioInput} (reused as is). */
  | { loaded: LoadedScenario };

/** Reads, validates and resolves a scenario and builds its model; bad input is an InputError. */
export function loadScenarioInput(input: ScenarioInput): LoadedScenario {
  if ('loaded' in input && input.loaded) return input.loaded;
  let source: ScenarioSource;
  let baseDir: string | undefined;
  let policy: PathPolicy | undefined;
  if ('file' in input && typeof input.file === 'string') {
    source = readScenarioFile(input.file);
  } else if ('text' in input && typeof input.text === 'string' && typeof input.baseDir === 'string') {
    source = parseScenarioText(input.text, input.name ?? '<inline>');
    baseDir = input.baseDir;
    policy = input.policy;
  } else {
    throw new InputError('OPTION_INVALID', 'give the scenario as { file }, { text, baseDir } or { loaded }', { path: 'scenario' });
  }
  const scenario = validateScenario(source);
  let resolved: ResolvedScenario;
  try {
    resolved = resolveScenario(scenario, source.file, baseDir, source.locate, policy);
  } catch (e) {
    throw locateError(e, source);
  }
  let model: FleetModel;
  try {
    model = buildFleetModel(resolved);
  } catch (e) {
    throw locateError(e, resolved);
  }
  return { source, resolved, model };
}

/** The loaded scenario as a sweep varies it (plain data that crosses to worker threads). */
export function sweepScenarioOf(loaded: LoadedScenario): SweepScenario {
  const policy = loaded.resolved.pathPolicy;
  return { file: loaded.source.file, baseDir: loaded.resolved.baseDir, data: loaded.source.data, ...(policy ? { policy } : {}) };
}
