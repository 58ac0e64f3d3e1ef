/**
 * The files a scenario names: every `file` field (series, weather, event schedules), with its
 * JSON path. A server uses it to gather a scenario's bundle (the scenario and the files it
 * reads) before storing it, so a stored scenario is complete and a run reads nothing else.
 */
import { formatPath } from './source.ts';

/** A file named by a scenario. */
export interface FileRef {
  /** The path as written (relative to the scenario file). */
  file: string;
  /** JSON path of the field, e.g. `sites[0].series.price.file`. */
  path: string;
  /** The same path as segments (for line and column lookup). */
  segments: Array<string | number>;
}

/** Nesting deeper than this is not a scenario (the schema's deepest path is under 10 levels). */
const MAX_DEPTH = 64;

/** Every string-valued `file` field in parsed scenario data, in document order. */
export function scenarioFileRefs(data: unknown): FileRef[] {
  const out: FileRef[] = [];
  const walk = (node: unknown, segments: Array<string | number>): void => {
    if (segments.length > MAX_DEPTH || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, [...segments, i]));
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      const at = [...segments, key];
      if (key === 'file' && typeof value === 'string') out.push({ file: value, path: formatPath(at), segments: at });
      else walk(value, at);
    }
  };
  walk(data, []);
  return out;
}
