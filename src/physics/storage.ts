/**
 * Battery storage: limits in kW and kWh and one step of charge or discharge within them.
 * Efficiencies apply on each side: the state of charge gains charge·ηc·h and loses
 * discharge/ηd·h, so round-trip efficiency is ηc·ηd. docs/model.md §4.
 */
import type { Storage } from '../scenario/schema/site.ts';
import type { StorageModel } from './types.ts';

/** Converts a storage spec (MW, MWh, fractions; zod output) to a StorageModel in kW and kWh. */
export function storageModel(spec: Storage): StorageModel {
  const energyKWh = spec.energyMWh * 1000;
  return {
    energyKWh,
    powerKW: spec.powerMW * 1000,
    chargeEfficiency: spec.chargeEfficiency,
    dischargeEfficiency: spec.dischargeEfficiency,
    socMinKWh: spec.socMinFraction * energyKWh,
    socMaxKWh: spec.socMaxFraction * energyKWh,
    socInitialKWh: spec.socInitialFraction * energyKWh,
    degradationCostPerKWh: spec.degradationCostPerMWh / 1000,
    endSoc: endSoc(spec, energyKWh),
  };
}

/** Bounds on the state of charge at the end of the horizon, kWh, from the spec's end state. */
function endSoc(spec: Storage, energyKWh: number): { minKWh: number; maxKWh: number } {
  const lo = spec.socMinFraction * energyKWh;
  const hi = spec.socMaxFraction * energyKWh;
  const start = Math.max(lo, Math.min(hi, spec.socInitialFraction * energyKWh));
  const e = spec.endState;
  switch (e.type) {
    case 'free':
      return { minKWh: lo, maxKWh: hi };
    case 'atLeastStart':
      return { minKWh: start, maxKWh: hi };
    case 'equalStart':
      return { minKWh: start, maxKWh: start };
    case 'atLeast':
      return { minKWh: Math.max(lo, e.socFraction * energyKWh), maxKWh: hi };
  }
}

/** Result of one storage step: grid-side powers (both ≥ 0, one of them 0) and the new SoC. */
export interface StorageStep {
  chargeKW: number;
  dischargeKW: number;
  socKWh: number;
}

/**
 * Applies a request (+ charge, − discharge, grid-side kW) for `hours`, cut to the power limit and
 * to what the SoC bounds allow. A SoC already outside the bounds is never pushed further out.
 */
export function stepStorage(model: StorageModel, socKWh: number, requestKW: number, hours: number): StorageStep {
  if (!(hours > 0) || requestKW === 0 || !Number.isFinite(requestKW)) return { chargeKW: 0, dischargeKW: 0, socKWh };
  if (requestKW > 0) {
    const room = Math.max(0, model.socMaxKWh - socKWh);
    const chargeKW = Math.min(requestKW, model.powerKW, room / (model.chargeEfficiency * hours));
    // Land exactly on the bound when it binds, so rounding never leaves the SoC a hair above it.
    const soc = chargeKW * model.chargeEfficiency * hours >= room ? Math.max(socKWh, model.socMaxKWh) : socKWh + chargeKW * model.chargeEfficiency * hours;
    return { chargeKW, dischargeKW: 0, socKWh: soc };
  }
  const available = Math.max(0, socKWh - model.socMinKWh);
  const dischargeKW = Math.min(-requestKW, model.powerKW, (available * model.dischargeEfficiency) / hours);
  const drawn = (dischargeKW / model.dischargeEfficiency) * hours;
  const soc = drawn >= available ? Math.min(socKWh, model.socMinKWh) : socKWh - drawn;
  return { chargeKW: 0, dischargeKW, socKWh: soc };
}
