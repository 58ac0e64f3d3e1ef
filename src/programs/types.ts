/**
 * Plain values shared by the grid-program stage: events, programs as resolved against the
 * fleet, and the meter series that baselines and settlements read. No behaviour here.
 */
import type { BaselineMethod } from '../scenario/schema/grid-programs.ts';

/** Baseline method names, from the scenario schema. */
export type { BaselineMethod };

/** Whether an event asks for less load (peak shaving) or more (valley filling). */
export type Direction = 'reduce' | 'increase';

/** A baseline method with its options resolved to numbers. */
export interface BaselineOptions {
  method: BaselineMethod;
  /** Oldest day a day-matching method may use, days before the event. */
  lookbackDays: number;
  /** caiso-10-of-10: cap of the same-day adjustment (± fraction). */
  adjustmentCap: number;
  /** caiso-10-of-10, high-4-of-5: whether the same-day adjustment applies. */
  adjustment: boolean;
  /** meter-before: hours before the event that are averaged. */
  meterBeforeHours: number;
}

/** Part of an event's target, over [startMs, endMs). */
export interface TargetPiece {
  startMs: number;
  endMs: number;
  /**
   * `kw`: change against the baseline, kW (fleet); `percent`: change as a fraction of the
   * baseline (0.25 = 25 %); `limitKW`: import limit for the called sites together, kW.
   */
  kind: 'kw' | 'fraction' | 'limitKW';
  value: number;
}

/** A grid event: one call of a program, before it is checked against the fleet. */
export interface GridEvent {
  id: string;
  /** Program the event belongs to (undefined: the program chosen on the command line). */
  programId?: string;
  direction: Direction;
  startMs: number;
  endMs: number;
  /** When the event was notified, UTC ms (undefined: not stated). */
  issuedMs?: number;
  /** Target pieces; empty means "the program's commitment". */
  targets: TargetPiece[];
  /** Site ids called (undefined: every site of the program). */
  sites?: string[];
  /** Where the event came from, for messages and the settlement statement. */
  source: string;
  /** JSON path or file location of the event, for errors. */
  path: string;
  /** File the event was read from, when any. */
  file?: string;
}

/** Delivery band, pay and penalty rules with defaults applied. */
export interface DeliveryRules {
  minRatio: number;
  maxRatio: number;
  penaltyBelowRatio: number;
  penaltyMultiple: number;
  /** Currency/MWh. */
  penaltyPricePerMWh: number;
  assess: 'event' | 'interval';
}

/** A program resolved against the fleet: indices instead of ids, kW instead of MW. */
export interface ResolvedProgram {
  id: string;
  name: string;
  direction: Direction;
  /** Sites enrolled, as indices into the fleet model. */
  siteIndices: number[];
  noticeHours: number;
  window?: { fromMinute: number; toMinute: number; months?: number[]; days: 'all' | 'workdays' | 'nonWorkdays' };
  minDurationHours: number;
  maxDurationHours: number;
  /** Fleet commitment, kW (undefined: build a bid from the envelope). */
  commitmentKW?: number;
  /** Commitment per site index, kW. */
  siteCommitmentsKW: Map<number, number>;
  energyPayPerMWh: number;
  capacityPayPerKWMonth: number;
  delivery: DeliveryRules;
  measurementIntervalMinutes: number;
  /** Baseline per enrolled site index. */
  baselines: Map<number, BaselineOptions>;
  /** Local dates treated as non-working days (program list plus the sites' tariff holidays). */
  holidays: Set<string>;
  /** Weekend dates worked (tariff make-up days). */
  extraWorkdays: Set<string>;
  aggregatorShare: number;
  bidMargin: number;
  deliveryAim: number;
  /** JSON path of the program in the scenario. */
  path: string;
}

/** One local day of a meter series. */
export interface DayInfo {
  /** Local date, YYYY-MM-DD. */
  key: string;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** Monday–Friday and not a holiday, or a listed make-up day. */
  workday: boolean;
  /** An event day of the program (never a baseline day). */
  eventDay: boolean;
}

/**
 * Average load per measurement interval with each interval's local day and slot, so baselines
 * can find "the same interval on another day" without date arithmetic.
 */
export interface MeterSeries {
  /** Average load per interval, kW. */
  kw: Float64Array;
  intervalMinutes: number;
  /** Local day index of each interval. */
  day: Int32Array;
  /** Local slot of each interval: minutes after local midnight / intervalMinutes. */
  slot: Int32Array;
  days: DayInfo[];
  slotsPerDay: number;
  /** Interval at (day × slotsPerDay + slot), or -1 where the series has none. */
  index: Int32Array;
  /** Start of each interval, UTC ms. */
  startMs: Float64Array;
}

/** The intervals [start, end) of an event in a meter series. */
export interface IntervalWindow {
  start: number;
  end: number;
}

/** What a baseline method returns. */
export interface BaselineResult {
  method: BaselineMethod;
  /** Baseline per event interval, kW. */
  kw: Float64Array;
  /** Local dates whose load formed the baseline (day-matching methods). */
  daysUsed: string[];
  /** Days that were candidates but not chosen (e.g. the 5 lower days of Beijing's 10). */
  daysConsidered: string[];
  /** Intervals of the event day the baseline or its adjustment read. */
  referenceIntervals: number[];
  adjustment?: { kind: 'multiplicative' | 'additive'; raw: number; applied: number; capped: boolean };
  /** One sentence a settlement statement can print. */
  description: string;
}
