/**
 * A scenario as a content-addressed bundle for the store: the scenario file and every file it
 * names (series, weather, event schedules: any `file` field), with paths relative to the
 * deepest folder holding them all, so a worker on another machine reads exactly these bytes.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InputError } from '../errors/index.ts';
import type { SweepScenario } from '../finance/sweep-point.ts';
import type { ScenarioBundle } from '../store/types.ts';

/** Every string under a key named `file`, anywhere in the scenario's data. */
export function namedFiles(data: unknown): string[] {
  const out = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'file' && typeof x === 'string') out.add(x);
        else walk(x);
      }
    }
  };
  walk(data);
  return [...out];
}

/** The deepest folder that holds every one of `paths` (absolute). */
function commonFolder(paths: string[]): string {
  let root = paths[0]!;
  for (const p of paths.slice(1)) {
    while (root !== dirname(root) && !(p === root || p.startsWith(root.endsWith(sep) ? root : root + sep))) root = dirname(root);
  }
  return root;
}

/**
 * The bundle of a scenario: its file's bytes as read (or, for a scenario given as text, its data
 * as JSON) and the files it names, read relative to its folder.
 */
export function scenarioBundle(scenario: SweepScenario): ScenarioBundle {
  const baseDir = resolve(scenario.baseDir);
  let entryAbs = resolve(baseDir, scenario.file);
  let entryBytes: Uint8Array;
  try {
    entryBytes = readFileSync(entryAbs);
  } catch {
    // a scenario given as text: its data is the bundle's entry
    entryAbs = join(baseDir, 'scenario.json');
    entryBytes = new TextEncoder().encode(JSON.stringify(scenario.data));
  }
  const files = new Map<string, Uint8Array>([[entryAbs, entryBytes]]);
  for (const f of namedFiles(scenario.data)) {
    const abs = isAbsolute(f) ? f : resolve(baseDir, f);
    if (files.has(abs)) continue;
    try {
      files.set(abs, readFileSync(abs));
    } catch (e) {
      throw new InputError('FILE_NOT_FOUND', `cannot read "${f}" named by the scenario: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: scenario.file });
    }
  }
  const root = commonFolder([dirname(entryAbs), ...[...files.keys()].map((p) => dirname(p))]);
  const rel = (p: string) => relative(root, p).split(sep).join('/');
  return { entry: rel(entryAbs), files: [...files].map(([p, content]) => ({ path: rel(p), content })) };
}
