/**
 * Reads a scenario file (YAML or JSON) into plain data while keeping a map from JSON paths back
 * to line and column, so that every later error can point at the exact place in the file.
 */
import { LineCounter, parseDocument, isMap, isSeq, type Node as YamlNode } from 'yaml';
import { InputError, type InputLocation } from '../errors/index.ts';
import { InputFileError, readInputText, scenarioLimit, type PathPolicy } from '../files/input-file.ts';

/** A parsed scenario file: its data and a way to locate any path in it. */
export interface ScenarioSource {
  file: string;
  data: unknown;
  /** Line and column (1-based) of the value at a JSON path, or of its nearest existing parent. */
  locate(path: ReadonlyArray<string | number>): InputLocation;
}

/** Formats a path as `sites[0].grid.importLimitMW`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else s += s ? `.${String(p)}` : String(p);
  }
  return s;
}

/** Splits `sites[0].grid.importLimitMW` into `['sites', 0, 'grid', 'importLimitMW']`. */
export function parsePath(path: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[1] !== undefined) out.push(m[1]);
  }
  return out;
}

/**
 * Gives an input error raised deeper in the pipeline (which knows only a JSON path) the file,
 * line and column of that path in the scenario file.
 */
export function locateError(e: unknown, source: Pick<ScenarioSource, 'file' | 'locate'>): unknown {
  if (!(e instanceof InputError)) return e;
  const loc = e.location;
  if (loc.line !== undefined || (loc.file !== undefined && loc.file !== source.file)) return e;
  if (!loc.path || loc.path.startsWith('--')) return loc.file ? e : new InputError(e.code, e.message, { ...loc, file: source.file }, e.details);
  const found = source.locate(parsePath(loc.path));
  return new InputError(e.code, e.message, { ...found, path: loc.path }, e.details);
}

/** Most alias expansions a scenario may use (the yaml library's guard against alias bombs). */
const MAX_ALIAS_COUNT = 100;

/** Parses scenario text (YAML 1.2, which also reads JSON). */
export function parseScenarioText(text: string, file: string): ScenarioSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const pos = lineCounter.linePos(first.pos[0]);
    const message = first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new InputError(
      'SCENARIO_SYNTAX',
      `syntax error: ${message}`,
      { file, line: pos.line, column: pos.col },
      doc.errors.slice(1, 5).map((e) => {
        const p = lineCounter.linePos(e.pos[0]);
        return `line ${p.line}:${p.col}: ${e.message.split('\n')[0]}`;
      }),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    // the yaml library refuses documents whose aliases would expand past the count ("billion laughs")
    if (e instanceof ReferenceError && /alias/i.test(e.message)) {
      throw new InputError(
        'SCENARIO_SYNTAX',
        `the file's aliases (*name) would expand it more than ${MAX_ALIAS_COUNT} times over; write the repeated values out, or reference each anchor fewer times`,
        { file },
      );
    }
    throw e;
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InputError('SCENARIO_INVALID', 'a scenario must be a mapping (YAML) or an object (JSON) at the top level', { file, line: 1, column: 1 });
  }
  const locate = (path: ReadonlyArray<string | number>): InputLocation => {
    let node: unknown = doc.contents;
    let found: YamlNode | undefined = doc.contents ?? undefined;
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((it) => {
          const k = it.key as { value?: unknown } | null;
          return k !== null && typeof k === 'object' && String(k.value) === String(key);
        });
        if (!pair) break;
        node = pair.value;
        found = (pair.value ?? pair.key) as YamlNode;
      } else if (isSeq(node) && typeof key === 'number') {
        const item = node.items[key];
        if (item === undefined) break;
        node = item;
        found = item as YamlNode;
      } else break;
    }
    const range = found?.range;
    if (!range) return { file, path: formatPath(path) };
    const pos = lineCounter.linePos(range[0]);
    return { file, line: pos.line, column: pos.col, path: formatPath(path) };
  };
  return { file, data, locate };
}

/**
 * Reads and parses a scenario file; a missing or unreadable file, or one that is not a regular
 * file within the input size cap, is an input error.
 */
export function readScenarioFile(file: string, policy?: PathPolicy): ScenarioSource {
  let text: string;
  try {
    text = readInputText(file, { policy, gunzip: false, limit: scenarioLimit() });
  } catch (e) {
    if (!(e instanceof InputFileError)) throw e;
    throw new InputError(e.notFound ? 'FILE_NOT_FOUND' : e.tooLarge ? 'PROBLEM_TOO_LARGE' : 'SCENARIO_SYNTAX', `scenario file "${file}" ${e.message}`, { file });
  }
  return parseScenarioText(text, file);
}
