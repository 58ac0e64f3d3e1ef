/**
 * Small synthetic ledgers for store tests: every column filled from a seeded generator, with a
 * few special values (NaN with a payload, -0, ±Infinity, constant columns) so encoding is tested
 * on the awkward cases too.
 */
import { seededRandom } from '../../src/random/seeded.ts';
import type { Ledger, SiteLedger, WorkloadFlows } from '../../src/simulate/ledger.ts';
import { SITE_COLUMNS, WORKLOAD_FIELD_NAMES } from '../../src/store/ledgers.ts';

/** A NaN whose payload is not the default one (bit-exactness shows in it). */
export function payloadNaN(): number {
  const b = new BigUint64Array([0x7ff8_0000_dead_beefn]);
  return new Float64Array(b.buffer)[0] as number;
}

/** Options of makeLedger. */
export interface LedgerFixtureOptions {
  sites?: number;
  steps?: number;
  stepMinutes?: number;
  startMs?: number;
  seed?: number;
}

/**
 * A ledger of `sites` sites over `steps` steps. Site i runs workloads `w<i>` and the shared
 * `fleet-batch` (only on even sites); column `socKWh` is constant (no battery).
 */
export function makeLedger(o: LedgerFixtureOptions = {}): Ledger {
  const sites = o.sites ?? 2, steps = o.steps ?? 48, rand = seededRandom(o.seed ?? 7);
  const col = (scale: number): Float64Array => Float64Array.from({ length: steps }, () => Math.round(rand() * scale * 1000) / 1000 + rand() * 1e-9);
  const siteLedgers: SiteLedger[] = [];
  for (let i = 0; i < sites; i++) {
    const s = { site: i, id: `site-${i}`, workloads: [] as WorkloadFlows[], generators: [] } as unknown as SiteLedger;
    for (const f of SITE_COLUMNS) s[f] = col(10_000);
    // odd sites have a backup generator (its own columns)
    if (i % 2 === 1) s.generators.push({ id: `genset-${i}`, kW: col(2_000), running: Float64Array.from({ length: steps }, () => (rand() < 0.5 ? 0 : 1)) });
    s.socKWh.fill(0);
    if (steps > 3) {
      s.shortfallKW[0] = -0;
      s.importPrice[1] = payloadNaN();
      s.exportPrice[2] = -Infinity;
      s.carbonIntensity[3] = Infinity;
    }
    const workloads: Array<[number, string, WorkloadFlows['type']]> = [[10 + i, `w${i}`, 'training']];
    if (i % 2 === 0) workloads.push([1, 'fleet-batch', 'batch']);
    for (const [workload, id, type] of workloads) {
      const w = { workload, id, type } as WorkloadFlows;
      for (const f of WORKLOAD_FIELD_NAMES) w[f] = col(500);
      s.workloads.push(w);
    }
    siteLedgers.push(s);
  }
  return {
    policy: 'naive',
    grid: { startMs: o.startMs ?? Date.UTC(2023, 2, 11, 0), stepMinutes: o.stepMinutes ?? 60, steps, timeZone: 'UTC' },
    sites: siteLedgers,
    outcomes: [
      { workload: 1, id: 'fleet-batch', type: 'batch', requiredGpuHours: 10, doneGpuHours: 9.5, lateGpuHours: 0, remainingGpuHours: 0.5, finishedStep: -1, late: true, tokens: 1e9, demandTokens: 0, unservedTokens: 0, performance: NaN, qosWeight: 1 },
    ],
    corrections: ['one correction'],
    maxEnergyBalanceErrorKWh: 1e-9,
    notes: ['a note'],
  };
}

/** Every column of a ledger by name, as its bytes (the 64-bit patterns of its values). */
function columnBytes(l: Ledger): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const bytes = (a: Float64Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  for (const s of l.sites) {
    for (const f of SITE_COLUMNS) out.set(`${s.id}/${f}`, bytes(s[f]));
    for (const g of s.generators) for (const f of ['kW', 'running'] as const) out.set(`${s.id}/generator:${g.id}:${f}`, bytes(g[f]));
    for (const w of s.workloads) for (const f of WORKLOAD_FIELD_NAMES) out.set(`${s.id}/${w.id}/${f}`, bytes(w[f]));
  }
  return out;
}

/**
 * The columns of two ledgers that are not bit for bit equal (or that only one has), by name: none
 * when every value's 64-bit pattern matches. The same check as comparing {@link ledgerBits}, at a
 * fraction of its cost for large ledgers.
 */
export function unequalColumns(a: Ledger, b: Ledger): string[] {
  const [x, y] = [columnBytes(a), columnBytes(b)];
  return [...new Set([...x.keys(), ...y.keys()])].filter((k) => {
    const [p, q] = [x.get(k), y.get(k)];
    return !p || !q || !p.equals(q);
  });
}

/** The 64-bit patterns of every column of a ledger, for bit-exact comparison. */
export function ledgerBits(l: Ledger): Record<string, bigint[]> {
  const out: Record<string, bigint[]> = {};
  const bits = (a: Float64Array): bigint[] => [...new BigUint64Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength))];
  for (const s of l.sites) {
    for (const f of SITE_COLUMNS) out[`${s.id}/${f}`] = bits(s[f]);
    for (const g of s.generators) for (const f of ['kW', 'running'] as const) out[`${s.id}/generator:${g.id}:${f}`] = bits(g[f]);
    for (const w of s.workloads) for (const f of WORKLOAD_FIELD_NAMES) out[`${s.id}/${w.id}/${f}`] = bits(w[f]);
  }
  return out;
}
