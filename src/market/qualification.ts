/**
 * Which reserve products a site or the portfolio may offer. A product is served by the levers
 * fast enough for it (battery, GPU power caps, pausing jobs: response times are scenario data),
 * and only by an offer at least the product's minimum size. The check here is the static one
 * (installed flexibility against the rules); the bid then sizes each hour's offer inside the
 * dispatch that holds every QoS floor.
 */
import type { FleetModel } from '../model/fleet-model.ts';
import type { Market, ReserveProduct } from '../scenario/schema/index.ts';

/** A kind of lever a reserve can be held on. */
export type LeverClass = 'storage' | 'gpuCap' | 'jobPause' | 'jobRaise';

/** The levers fast enough for a product, by direction. */
export function eligibleLevers(product: ReserveProduct, levers: Market['levers']): { up: LeverClass[]; down: LeverClass[] } {
  const fast = (seconds: number) => seconds <= product.qualification.fullActivationSeconds;
  const up: LeverClass[] = [];
  const down: LeverClass[] = [];
  if (product.direction !== 'down') {
    if (fast(levers.storageSeconds)) up.push('storage');
    if (fast(levers.gpuPowerCapSeconds)) up.push('gpuCap');
    if (fast(levers.jobPauseSeconds)) up.push('jobPause');
  }
  if (product.direction !== 'up') {
    if (fast(levers.storageSeconds)) down.push('storage');
    // raising running GPUs towards full power is a power-cap change
    if (fast(levers.gpuPowerCapSeconds)) down.push('jobRaise');
  }
  return { up, down };
}

/** Largest change one site's levers could give, kW at the meter (design cooling, everything running). */
export function siteLeverKW(model: FleetModel, s: number): Record<LeverClass, number> {
  const site = model.sites[s]!;
  const f = 1 + site.facility.lossSlope + Math.max(...site.facility.coolingSlope);
  const out: Record<LeverClass, number> = { storage: site.storage?.powerKW ?? 0, gpuCap: 0, jobPause: 0, jobRaise: 0 };
  for (const w of model.workloads) {
    if (w.type === 'inference' || !w.siteIndices.includes(s)) continue;
    const pool = site.pools.find((p) => p.acceleratorId === w.acceleratorId);
    if (!pool) continue;
    const gpus = Math.min(w.gpusMax, pool.gpus);
    const idle = site.idleGpus === 'off' ? 0 : pool.idleItPowerW;
    const floorIt = w.curve.find((p) => p.gpuPowerW >= w.minGpuPowerW - 1e-9)?.itPowerW ?? w.fullPower.itPowerW;
    out.gpuCap += (gpus * Math.max(0, w.fullPower.itPowerW - floorIt) * f) / 1000;
    if (w.pausable || w.type === 'batch') out.jobPause += (gpus * Math.max(0, floorIt - idle) * f) / 1000;
    out.jobRaise += (gpus * Math.max(0, w.fullPower.itPowerW - floorIt) * f) / 1000;
  }
  return out;
}

/** The verdict for one product and one site (or the portfolio). */
export interface QualificationRow {
  product: string;
  subject: string;
  direction: ReserveProduct['direction'];
  /** Levers fast enough, by direction. */
  levers: { up: LeverClass[]; down: LeverClass[] };
  /** Largest offer the fast levers allow, MW (the smaller direction for symmetric products). */
  maxMW: number;
  minOfferMW: number;
  qualifies: boolean;
  reason: string;
}

/** Which products each site and the portfolio may offer. */
export function qualificationReport(model: FleetModel, market: Market, siteIndices: number[]): QualificationRow[] {
  const rows: QualificationRow[] = [];
  const per = siteIndices.map((s) => ({ s, kw: siteLeverKW(model, s) }));
  for (const p of market.reserves) {
    const levers = eligibleLevers(p, market.levers);
    const size = (kw: Record<LeverClass, number>) => {
      const up = levers.up.reduce((a, c) => a + kw[c], 0);
      const down = levers.down.reduce((a, c) => a + kw[c], 0);
      return (p.direction === 'up' ? up : p.direction === 'down' ? down : Math.min(up, down)) / 1000;
    };
    const verdict = (subject: string, maxMW: number): QualificationRow => {
      const slow = (p.direction !== 'down' && levers.up.length === 0) || (p.direction !== 'up' && levers.down.length === 0);
      const qualifies = !slow && maxMW > 0 && maxMW + 1e-9 >= p.qualification.minOfferMW;
      const reason = slow
        ? `no lever responds within ${p.qualification.fullActivationSeconds} s`
        : maxMW <= 0
          ? 'no flexible capacity in the product\'s direction'
          : qualifies
            ? `up to ${maxMW.toFixed(1)} MW from ${[...new Set([...levers.up, ...levers.down])].join(', ')}`
            : `at most ${maxMW.toFixed(2)} MW, below the ${p.qualification.minOfferMW} MW minimum offer`;
      return { product: p.id, subject, direction: p.direction, levers, maxMW, minOfferMW: p.qualification.minOfferMW, qualifies, reason };
    };
    for (const { s, kw } of per) rows.push(verdict(model.sites[s]!.id, size(kw)));
    if (per.length > 1) {
      const total = { storage: 0, gpuCap: 0, jobPause: 0, jobRaise: 0 } as Record<LeverClass, number>;
      for (const { kw } of per) for (const c of Object.keys(total) as LeverClass[]) total[c] += kw[c];
      rows.push(verdict('portfolio', size(total)));
    }
  }
  return rows;
}
