/**
 * Units of work and their results as JSON text, for executors that send them over a wire (a job
 * queue stores job data as JSON): typed arrays (plans, bases) are written as tagged number lists
 * and read back as the same typed arrays. Non-finite numbers (an unbounded limit) survive too.
 */
import type { SubproblemResult, SubproblemTask } from './subproblem.ts';

type Tagged = { $f64: Array<number | string> } | { $i32: number[] } | { $num: string };

const num = (v: number): number | string => (Number.isFinite(v) ? v : String(v));
const unnum = (v: number | string): number => (typeof v === 'number' ? v : Number(v));

function replacer(this: unknown, _key: string, value: unknown): unknown {
  if (value instanceof Float64Array) return { $f64: Array.from(value, num) } satisfies Tagged;
  if (value instanceof Int32Array) return { $i32: Array.from(value) } satisfies Tagged;
  if (typeof value === 'number' && !Number.isFinite(value)) return { $num: String(value) } satisfies Tagged;
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1) {
      if (Array.isArray(o.$f64)) return Float64Array.from(o.$f64 as Array<number | string>, unnum);
      if (Array.isArray(o.$i32)) return Int32Array.from(o.$i32 as number[]);
      if (typeof o.$num === 'string') return Number(o.$num);
    }
  }
  return value;
}

/** A task as JSON text. */
export function encodeTask(task: SubproblemTask): string {
  return JSON.stringify(task, replacer);
}

/** A task from {@link encodeTask}'s text. */
export function decodeTask(text: string): SubproblemTask {
  return JSON.parse(text, reviver) as SubproblemTask;
}

/** A result as JSON text. */
export function encodeResult(result: SubproblemResult): string {
  return JSON.stringify(result, replacer);
}

/** A result from {@link encodeResult}'s text. */
export function decodeResult(text: string): SubproblemResult {
  return JSON.parse(text, reviver) as SubproblemResult;
}

/** Several tasks as one JSON text (a queue job's batch). */
export function encodeTasks(tasks: SubproblemTask[]): string {
  return JSON.stringify(tasks, replacer);
}

/** Tasks from {@link encodeTasks}'s text. */
export function decodeTasks(text: string): SubproblemTask[] {
  return JSON.parse(text, reviver) as SubproblemTask[];
}

/** Several results as one JSON text, in task order. */
export function encodeResults(results: SubproblemResult[]): string {
  return JSON.stringify(results, replacer);
}

/** Results from {@link encodeResults}'s text. */
export function decodeResults(text: string): SubproblemResult[] {
  return JSON.parse(text, reviver) as SubproblemResult[];
}
