/**
 * Gathering a scenario's bundle on the server: the scenario file and every file it names
 * (`file` fields of series, weather and event schedules), so the stored scenario is complete
 * and a run reads nothing outside it. A named file must be in the upload or, when the server
 * has a data root (`--data-root`), at the same path under that folder, from where it is copied
 * into the bundle. Absolute paths, `..` that leave the bundle, symbolic links out of the data
 * root, devices and FIFOs are refused, each with the scenario's line and column.
 */
import { readdirSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, type InputLocation } from '../errors/index.ts';
import { InputFileError, readInputBytes, scenarioLimit } from '../files/input-file.ts';
import { scenarioFileRefs } from '../scenario/file-refs.ts';
import { parseScenarioText } from '../scenario/source.ts';
import { bundlePath, listBundle, type BundleFile, type ScenarioBundle } from '../store/index.ts';

/** The examples shipped with the package (`examples/*.yaml`, series under `examples/data`). */
export const EXAMPLES_DIR = fileURLToPath(new URL('../../examples/', import.meta.url));

/** Names of the bundled examples (file names without `.yaml`). */
export function exampleNames(dir = EXAMPLES_DIR): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.yaml'))
      .map((e) => e.name.slice(0, -'.yaml'.length))
      .sort();
  } catch {
    return [];
  }
}

/** Reads a bundled example and the files it names as a bundle; an unknown name lists the valid ones. */
export function exampleBundle(name: string, dir = EXAMPLES_DIR): ScenarioBundle {
  const names = exampleNames(dir);
  if (!names.includes(name)) throw new InputError('OPTION_INVALID', `unknown example "${name}"; the examples are ${names.join(', ')}`, { path: 'example' });
  const entry = `${name}.yaml`;
  const content = readInputBytes(entry, { baseDir: dir, policy: { root: dir }, gunzip: false, limit: scenarioLimit() });
  return completeBundle({ entry, files: [{ path: entry, content }] }, { dataRoot: dir });
}

/** Options of {@link completeBundle}. */
export interface CompleteOptions {
  /** Folder named files not in the upload are taken from (same path as in the bundle). */
  dataRoot?: string;
}

/**
 * Checks a bundle's paths and its scenario's syntax, and adds the files the scenario names from
 * the data root. Every named file that is neither uploaded nor in the data root is reported,
 * located in the scenario (FILE_NOT_FOUND), in one error.
 */
export function completeBundle(bundle: ScenarioBundle, o: CompleteOptions = {}): ScenarioBundle {
  const listing = listBundle(bundle);
  const entryFile = listing.files.find((f) => f.path === listing.entry)!;
  const limit = scenarioLimit();
  if (entryFile.sizeBytes > limit.bytes) {
    throw new InputError('PROBLEM_TOO_LARGE', `scenario file "${listing.entry}" is ${(entryFile.sizeBytes / 2 ** 20).toFixed(1)} MB; the limit is ${(limit.bytes / 2 ** 20).toFixed(1)} MB (${limit.env} on the server); put large data in series files`, { file: listing.entry });
  }
  const source = parseScenarioText(Buffer.from(entryFile.content).toString('utf8'), listing.entry);
  const present = new Map<string, BundleFile>(listing.files.map((f) => [f.path, { path: f.path, content: f.content }]));
  const folder = posix.dirname(listing.entry) === '.' ? '' : posix.dirname(listing.entry);
  const problems: Array<{ message: string; location: InputLocation }> = [];
  for (const ref of scenarioFileRefs(source.data)) {
    const where = source.locate(ref.segments);
    const refuse = (why: string): void => void problems.push({ message: `file "${ref.file}" ${why}`, location: where });
    if (ref.file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(ref.file) || ref.file.includes('\\')) {
      refuse('is an absolute path (or uses "\\"); name files relative to the scenario, inside its bundle');
      continue;
    }
    const joined = posix.normalize(posix.join(folder, ref.file));
    if (joined === '..' || joined.startsWith('../')) {
      refuse('lies outside the scenario\'s bundle (".."); include it in the upload, relative to the scenario');
      continue;
    }
    let path: string;
    try {
      path = bundlePath(joined, 'file');
    } catch (e) {
      refuse(`is not a usable path (${(e as Error).message})`);
      continue;
    }
    if (present.has(path)) continue;
    if (o.dataRoot === undefined) {
      refuse(`is not in the upload; add it to the bundle at "${path}"`);
      continue;
    }
    try {
      present.set(path, { path, content: readInputBytes(path, { baseDir: o.dataRoot, policy: { root: o.dataRoot }, gunzip: false }) });
    } catch (e) {
      if (!(e instanceof InputFileError)) throw e;
      refuse(`is not in the upload, and in the server's data root it ${e.message}`);
    }
  }
  if (problems.length > 0) {
    const [first, ...rest] = problems;
    throw new InputError('FILE_NOT_FOUND', first!.message, first!.location, rest.map((p) => `${p.location.line !== undefined ? `line ${p.location.line}: ` : ''}${p.message}`));
  }
  return { entry: listing.entry, files: [...present.values()] };
}
