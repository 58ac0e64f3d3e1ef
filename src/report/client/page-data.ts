/**
 * What the report page carries for its interactive charts: one JSON block per chart (its kind
 * and the data its option builder takes) and, for power charts, the site's flows at full
 * resolution in a compact text block read only when the reader zooms in.
 */
import type { MonthlyEnergyData, MonthlyPueData } from '../charts/monthly.ts';
import type { PowerFlowData } from '../charts/power-flow.ts';
import type { EnergyFlowGraph } from '../charts/sankey.ts';

/**
 * Series at full resolution: per series, int32 differences of the values in steps of
 * `quanta[i]`, bytes shuffled (all first bytes, then all second bytes, …), gzipped, base64.
 */
export interface PackedSeries {
  encoding: 'delta-int32-shuffle-gzip-base64';
  /** Values per series. */
  steps: number;
  /** Value of one unit of the stored integers, per series (raw ledger units: kW, currency/MWh). */
  quanta: number[];
  /** Id of the text block holding the base64 data. */
  blockId: string;
}

/** The time axis of full-resolution series: local wall clock written as UTC. */
export interface WallClockAxis {
  /** First step start, UTC ms. */
  startMs: number;
  stepMinutes: number;
  /** UTC offset from a step on: [step, minutes], the first at step 0. */
  offsets: Array<[number, number]>;
}

/** The full-resolution flows behind a power chart: uses, then sources, then prices. */
export interface PowerFullResolution {
  series: PackedSeries;
  axis: WallClockAxis;
  /** Factor from raw units to the chart's units, per series (0.001 for kW → MW). */
  factors: number[];
  /** What one point is at full resolution, e.g. "hourly values". */
  resolution: string;
}

/** One chart of the page, by kind. */
export type PageChart =
  | { kind: 'power'; data: PowerFlowData; full?: PowerFullResolution }
  | { kind: 'monthly-pue'; data: MonthlyPueData }
  | { kind: 'monthly-energy'; data: MonthlyEnergyData }
  | { kind: 'sankey'; data: EnergyFlowGraph };
