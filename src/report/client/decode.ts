/**
 * Decoding of the page's full-resolution series (see `PackedSeries`) with the browser's own
 * gzip (DecompressionStream). Browser-safe; Node 18+ has the same globals, which the tests use.
 */
import type { PackedSeries, WallClockAxis } from './page-data.ts';

/** Bytes of a base64 string. */
export function base64Bytes(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text.replace(/\s+/g, ''));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Gunzips bytes with DecompressionStream. */
export async function gunzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** True when this browser can decode packed series. */
export function canDecode(): boolean {
  return typeof DecompressionStream === 'function' && typeof atob === 'function';
}

/** The series of a packed block, in raw units (values × quanta). */
export async function decodeSeries(p: PackedSeries, base64: string): Promise<Float64Array[]> {
  const shuffled = await gunzip(base64Bytes(base64));
  const count = p.quanta.length;
  const words = count * p.steps;
  if (shuffled.length !== words * 4) throw new Error(`packed series: expected ${words * 4} bytes, got ${shuffled.length}`);
  const out: Float64Array[] = [];
  for (let s = 0; s < count; s++) {
    const values = new Float64Array(p.steps);
    const q = p.quanta[s]!;
    let acc = 0;
    for (let t = 0; t < p.steps; t++) {
      const i = s * p.steps + t;
      const d = shuffled[i]! | (shuffled[words + i]! << 8) | (shuffled[2 * words + i]! << 16) | (shuffled[3 * words + i]! << 24);
      acc = (acc + d) | 0;
      values[t] = acc * q;
    }
    out.push(values);
  }
  return out;
}

/** Wall-clock time (as UTC ms) of every step of an axis. */
export function wallClockSteps(a: WallClockAxis, steps: number): Float64Array {
  const x = new Float64Array(steps);
  const stepMs = a.stepMinutes * 60_000;
  let k = 0;
  for (let t = 0; t < steps; t++) {
    while (k + 1 < a.offsets.length && a.offsets[k + 1]![0] <= t) k++;
    x[t] = a.startMs + t * stepMs + (a.offsets[k]?.[1] ?? 0) * 60_000;
  }
  return x;
}
