/**
 * Shapes shared by the series readers and the aligner. A reader turns a file into raw samples
 * (UTC instants and values in the file's unit); the aligner converts units and maps samples
 * onto the horizon grid, reporting what it had to do.
 */

/** What a series measures; decides the canonical unit and how it is resampled. */
export type Quantity =
  | 'price' // currency per MWh; mean
  | 'carbonIntensity' // gCO2 per kWh; mean
  | 'share' // fraction 0–1 (input may be %); mean
  | 'capacityFactor' // fraction 0–1 (input may be %); mean
  | 'temperature' // °C; mean
  | 'humidity' // relative humidity %, 0–100; mean
  | 'cloudCover' // %, 0–100; mean
  | 'windSpeed' // m/s; mean
  | 'power' // kW; mean (energy inputs are converted to average power, i.e. summed)
  | 'tokensPerSecond' // tokens/s; mean
  | 'dimensionless'; // as given; mean

/** Canonical unit per quantity. */
export const CANONICAL_UNIT: Record<Quantity, string> = {
  price: 'currency/MWh',
  carbonIntensity: 'gCO2/kWh',
  share: 'fraction',
  capacityFactor: 'fraction',
  temperature: 'degC',
  humidity: '%',
  cloudCover: '%',
  windSpeed: 'm/s',
  power: 'kW',
  tokensPerSecond: 'tokens/s',
  dimensionless: '1',
};

/**
 * Physical range of each quantity in its canonical unit, with a small margin for rounding in
 * exported files. A value outside it (a typo, a wrong unit, 1e308) is refused with its line:
 * it would otherwise overflow a product into Infinity and NaN further down the pipeline.
 * Bounds: prices as in the scenario schema (±1 000 000 per MWh); carbon intensity up to
 * 10 000 gCO2/kWh (lignite is ~1 100); air temperatures −90 to 60 °C; the highest measured wind
 * gust is 113 m/s; a power series of ±100 GW; shares, capacity factors and percentages within
 * their scale plus 1 % (exports round).
 */
export const QUANTITY_RANGE: Record<Quantity, { min: number; max: number }> = {
  price: { min: -1e6, max: 1e6 },
  carbonIntensity: { min: 0, max: 1e4 },
  share: { min: -0.01, max: 1.01 },
  capacityFactor: { min: -0.01, max: 1.01 },
  temperature: { min: -90, max: 60 },
  humidity: { min: -1, max: 101 },
  cloudCover: { min: -1, max: 101 },
  windSpeed: { min: 0, max: 150 },
  power: { min: -1e8, max: 1e8 },
  tokensPerSecond: { min: 0, max: 1e15 },
  dimensionless: { min: -1e12, max: 1e12 },
};

/** Samples read from a file, before alignment. */
export interface RawSeries {
  /** Sample instants, UTC epoch ms, in file order. */
  times: Float64Array;
  /** Values in the file's unit; NaN marks a missing cell (empty, NA, null). */
  values: Float64Array;
  /** Unit of `values` as the file (or the scenario) states it. */
  unit: string;
  /** 1-based line (CSV) or array index + 1 (JSON) of each sample, for error messages. */
  lines: Int32Array;
  /** Local times that do not exist (skipped by a DST jump) and were dropped. */
  nonexistentLocalTimes: number;
  /** Rows dropped because `shiftYears` moved Feb 29 into a year without one. */
  shiftDropped?: number;
  /** Human name of the source, e.g. `prices.csv column "Price (USD/MWh)"`. */
  source: string;
}

/** What alignment did to one series; shown by `wattshift validate` and stored in summaries. */
export interface AlignReport {
  /** JSON path of the series in the scenario, e.g. `sites[0].series.price`. */
  name: string;
  /** File read, when the series came from a file. */
  file?: string;
  source: string;
  unitFrom: string;
  unitTo: string;
  /** Samples in the file. */
  samples: number;
  /** Samples inside the horizon. */
  samplesInHorizon: number;
  /** Samples with the same instant as an earlier one (the later value wins). */
  duplicates: number;
  /** Missing cells (empty, NA) in the file. */
  missingCells: number;
  /** Local times skipped by a DST jump that appeared in the file and were dropped. */
  nonexistentLocalTimes: number;
  /** Rows dropped because `shiftYears` moved Feb 29 into a year without one. */
  shiftDropped?: number;
  /** Source interval detected, minutes. */
  sourceStepMinutes: number;
  /** Grid steps with no data before filling. */
  gapSteps: number;
  /** Number of separate runs of missing steps. */
  gapRuns: number;
  /** Longest run of missing steps. */
  longestGapSteps: number;
  /** The fill rule applied. */
  fill: 'linear' | 'previous' | 'zero' | 'error';
  /** Missing steps before the file's first value, held at it (linear and previous have nothing to work from there). */
  heldAtStartSteps?: number;
  /** Missing steps after the file's last value, held at it (linear has nothing to interpolate towards). */
  heldAtEndSteps?: number;
  /** How values were resampled to the grid. */
  resample: 'mean' | 'sum' | 'hold' | 'none';
}

/** A series on the horizon grid, in its canonical unit. */
export interface AlignedSeries {
  values: Float64Array;
  /** CANONICAL_UNIT of the quantity (prices: `currency/MWh`; see `currency`). */
  unit: string;
  /** Currency of a price series (ISO code from the file or the scenario), when known. */
  currency?: string;
  report: AlignReport;
}

/** Weather on the horizon grid. */
export interface AlignedWeather {
  temperatureC: Float64Array;
  relativeHumidityPct: Float64Array;
  /** Cloud cover %, when the source has it. */
  cloudCoverPct?: Float64Array;
  /** Wind speed at `windHeightM`, m/s. */
  windSpeedMS: Float64Array;
  windHeightM: number;
  reports: AlignReport[];
}
