/** Number, money, time and size formatting for the dashboard (numbers through the report's formatter). */
import { formatNumber } from '../../src/report/format.ts';

export { formatNumber };

/** A fraction as a percentage: 0.6234 → "62.3". */
export function percent(fraction: number | null | undefined, decimals = 1): string {
  return fraction === null || fraction === undefined || !Number.isFinite(fraction) ? '—' : formatNumber(fraction * 100, decimals, decimals);
}

/** Significant-ish decimals for a quantity: more for small values. */
export function quantity(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  return formatNumber(v, a >= 1000 ? 0 : a >= 100 ? 1 : a >= 1 ? 2 : a >= 0.01 ? 4 : 6);
}

const two = (n: number) => String(n).padStart(2, '0');

/** An instant in the browser's time zone: "2025-05-03 14:45". */
export function localTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** A duration: "850 ms", "12.4 s", "3 min 05 s", "1 h 02 min". */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${formatNumber(s, 1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${two(Math.floor(s % 60))} s`;
  return `${Math.floor(m / 60)} h ${two(m % 60)} min`;
}

/** Bytes as KiB or MiB. */
export function bytes(n: number): string {
  return n >= 2 ** 20 ? `${formatNumber(n / 2 ** 20, 1)} MiB` : n >= 1024 ? `${formatNumber(n / 1024, 0)} KiB` : `${n} B`;
}

/** The first characters of a run id, enough to tell runs apart on a page. */
export function shortId(id: string): string {
  return id.slice(-8);
}
