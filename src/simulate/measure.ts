/**
 * What "25 % below normal" is measured on: the GPUs' own draw, the IT load, the facility, or the
 * grid meter. `plan --event` caps one of these; `dr` takes a percentage target of its baseline.
 * Both commands share the names, the words and the default.
 */
import type { FleetModel } from '../model/fleet-model.ts';
import type { Ledger } from './ledger.ts';

/** Powers an event can be measured on. */
export const POWER_MEASURES = ['gpu', 'it', 'facility', 'grid'] as const;

/** One of {@link POWER_MEASURES}. */
export type PowerMeasure = (typeof POWER_MEASURES)[number];

/**
 * The default of `--measure` in `plan --event` and `dr`: the grid meter, what a utility measures
 * and settles. (The Phoenix field test cut GPU power: `--measure gpu` replays it.)
 */
export const DEFAULT_POWER_MEASURE: PowerMeasure = 'grid';

/** What each measure is, in words for results and help. */
export const POWER_MEASURE_WORDS: Readonly<Record<PowerMeasure, string>> = {
  gpu: 'GPU power (the accelerators\' own draw, busy and idle)',
  it: 'IT power (GPUs with their host share: CPUs, memory, NICs, fans)',
  facility: 'facility power (IT, cooling, losses and fixed loads)',
  grid: 'grid power at the meter (import less export)',
};

/** Power of `measure` per step from a ledger, summed over `sites`, kW. */
export function measuredPowerKW(model: FleetModel, ledger: Ledger, measure: PowerMeasure, sites: number[]): Float64Array {
  const n = model.grid.steps;
  const out = new Float64Array(n);
  for (const s of sites) {
    const L = ledger.sites[s]!;
    const site = model.sites[s]!;
    for (let t = 0; t < n; t++) {
      if (measure === 'grid') {
        out[t]! += L.gridImportKW[t]! - L.gridExportKW[t]!;
        // a generator the program does not allow is counted as load: its output is no reduction
        site.generators.forEach((g, j) => {
          if (!g.drAllowed) out[t]! += L.generators[j]!.kW[t]!;
        });
      }
      else if (measure === 'facility') out[t]! += L.facilityKW[t]!;
      else if (measure === 'it') out[t]! += L.itKW[t]!;
      else {
        let used = 0, w = 0;
        for (const f of L.workloads) {
          used += f.gpus[t]!;
          w += f.gpus[t]! * f.gpuPowerW[t]!;
        }
        const idle = site.idleGpus === 'off' ? 0 : site.pools.reduce((a, p) => a + p.gpus, 0) - used;
        out[t]! += (w + Math.max(0, idle) * (site.pools[0]?.accelerator.idleW ?? 0)) / 1000;
      }
    }
  }
  return out;
}
