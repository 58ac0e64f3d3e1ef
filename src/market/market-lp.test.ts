import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel, loadScenario, loadScenarioText } from '../pipeline.ts';
import { HighsWasmSolver } from '../optimize/index.ts';
import { actualSignals } from '../plan/signals.ts';
import { awardFromPoints, isMonotone, marketPoints, segmentPrices } from './bid-curve.ts';
import { marketLpOptions, pacedState } from './day-bid.ts';
import { loadMarket } from './market-data.ts';
import { buildMarketLp, solveMarketLp, type WindowScenario } from './market-lp.ts';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/market/one-site.yaml', import.meta.url));
const model = buildModel(loadScenario(FIXTURE));
const md = loadMarket(model, 0);
const site = model.sites[0]!;
const solver = new HighsWasmSolver();
afterAll(() => solver.close());

/** Facility kW per IT kW in the first hour, and the fixed facility load (the physics stage's coefficients). */
const a = 1 + site.facility.lossSlope + site.facility.coolingSlope[0]!;
const fixedKW = site.facility.fixedKW;

function scenarios(prices: number[][]): WindowScenario[] {
  return prices.map((p) => ({ probability: 1 / prices.length, dayAhead: Float64Array.from(p), realTime: Float64Array.from(p), reservePrice: [] }));
}

async function bidOver(prices: number[][], maxSegments: number) {
  const T = prices[0]!.length;
  const products = Array.from({ length: T }, (_, t) => ({ from: t, to: t + 1 }));
  const segments = products.map((_, t) => segmentPrices(prices.map((p) => p[t]!), maxSegments));
  const state = pacedState(model, 0);
  const signals = actualSignals(model);
  const built = buildMarketLp({
    model, md, from: 0, to: T, products, state, signals, scenarios: scenarios(prices),
    energy: { kind: 'curve', segments }, reserves: { kind: 'none' },
    lp: marketLpOptions(model, 0, T, signals, state),
  });
  const r = await solveMarketLp(built, md, solver);
  expect(r.status).toBe('optimal');
  return { segments, q: built.curve.map((cols) => cols.map((c) => r.columnValues[c]! / 1000)), objective: r.objective };
}

describe('the bidding programme', () => {
  it('one hour, two segments, worked by hand', async () => {
    // Scenario prices 20 and 200 USD/MWh, equally likely, real time = day-ahead. A GPU-hour is worth
    // 0.1 USD. At 20: full power earns 0.1 − a·1 kW·0.020 > 0, more than the floor's 0.07 − a·0.5·0.020,
    // so all 100 GPUs run at 1 kW. At 200 both points lose money (a·0.200 > 0.1, a·0.1 > 0.07): all
    // paused. The cut falls halfway, at 110 USD/MWh.
    const { segments, q, objective } = await bidOver([[20], [200]], 10);
    expect(segments[0]!.breaks).toEqual([110]);
    expect(q[0]![0]).toBeCloseTo((a * 100 + fixedKW) / 1000, 6); // MW bought up to 110
    expect(q[0]![1]).toBeCloseTo(fixedKW / 1000, 6); // MW bought above 110
    // expected cost: ½·(20·Q₁ − 0.1·100 GPU-h) + ½·(200·Q₂)
    expect(objective).toBeCloseTo(0.5 * (20 * q[0]![0]! - 10) + 0.5 * 200 * q[0]![1]!, 6);
    // in the market's formats: ERCOT buys Q₁ up to 110, Q₂ up to the cap
    const steps = marketPoints({ breaks: segments[0]!.breaks, quantitiesMW: q[0]! }, md.rules);
    expect(steps.map((p) => p.priceMWh)).toEqual([110, md.rules.priceCapPerMWh]);
    expect(awardFromPoints(steps, 109.9, 'steps')).toBeCloseTo(q[0]![0]!, 9);
    expect(awardFromPoints(steps, 110.1, 'steps')).toBeCloseTo(q[0]![1]!, 9);
  });

  it('property: every curve it produces buys no more at a higher price', async () => {
    // a daily QoS floor and a battery tie the hours together, so a scenario's own price alone no
    // longer decides its consumption: only the curve's monotone rows keep the quantities ordered
    const job = model.workloads[0]!;
    const floor = job.qosFloor;
    job.qosFloor = 0.6;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: -50, max: 400 }), { minLength: 3, maxLength: 3 }), { minLength: 2, maxLength: 7 }),
        fc.integer({ min: 1, max: 5 }),
        async (prices, maxSegments) => {
          const { segments, q } = await bidOver(prices, maxSegments);
          for (let t = 0; t < q.length; t++) {
            expect(q[t]!.length).toBe(segments[t]!.count);
            expect(segments[t]!.count).toBeLessThanOrEqual(maxSegments);
            for (let k = 1; k < q[t]!.length; k++) expect(q[t]![k]!).toBeLessThanOrEqual(q[t]![k - 1]! + 1e-7);
            for (const style of ['steps', 'linear'] as const) {
              const pts = marketPoints({ breaks: segments[t]!.breaks, quantitiesMW: q[t]! }, { ...md.rules, curveStyle: style, priceTick: 0.01 });
              expect(isMonotone(pts, 1e-7)).toBe(true);
              let last = Infinity;
              for (let p = -60; p <= 420; p += 7) {
                const x = awardFromPoints(pts, p, style);
                expect(x).toBeLessThanOrEqual(last + 1e-7);
                last = x;
              }
            }
          }
        },
      ),
      { numRuns: 12 },
    ).finally(() => {
      job.qosFloor = floor;
    });
  });
});

describe('the deviation band (China provincial form)', () => {
  it('with a fixed award and a costly band, the intraday plan deviates only up to the tolerance', async () => {
    const text = readFileSync(FIXTURE, 'utf8').replace('    limits: { quantityStepMW: 0.001 }\n', '    limits: { quantityStepMW: 0.001 }\n    deviation: { toleranceFraction: 0.1, penaltyPerMWh: 1000 }\n');
    const m = buildModel(loadScenarioText(text, fileURLToPath(new URL('../../test/fixtures/market/', import.meta.url)), 'band.yaml'));
    const mdb = loadMarket(m, 0);
    const state = pacedState(m, 0);
    const signals = actualSignals(m);
    const awardMW = 0.05; // 50 kW: at 20 USD/MWh the job would rather draw ~117 kW
    const run = async (penalty: boolean) => {
      const built = buildMarketLp({
        model: m, md: penalty ? mdb : { ...mdb, spec: { ...mdb.spec, deviation: undefined } }, from: 0, to: 1, products: [{ from: 0, to: 1 }], state, signals,
        scenarios: [{ probability: 1, realTime: Float64Array.of(20), reservePrice: [new Float64Array(1)] }],
        energy: { kind: 'fixed', awardMW: [awardMW] }, reserves: { kind: 'none' },
        lp: marketLpOptions(m, 0, 1, signals, state),
      });
      const r = await solveMarketLp(built, mdb, solver);
      const L = built.blocks[0]!.layout.sites[0]!;
      return { netKW: r.columnValues[built.blocks[0]!.placement.columnOffset + L.g]!, excess: built.bandExcess[0]?.[0] ? r.columnValues[built.bandExcess[0][0][0]]! : 0 };
    };
    const free = await run(false);
    expect(free.netKW).toBeGreaterThan(awardMW * 1000 * 1.5); // without a band, cheap real-time power is simply used
    const banded = await run(true);
    // 1,000 USD/MWh beyond ±10 % of 50 kW: the plan stays at 55 kW, where the penalty starts
    expect(banded.netKW).toBeCloseTo(awardMW * 1000 * 1.1, 4);
    expect(banded.excess).toBeCloseTo(0, 6);
  });
});
