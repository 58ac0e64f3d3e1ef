import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel, loadScenario } from '../pipeline.ts';
import { HighsWasmSolver } from '../optimize/index.ts';
import { emptyDispatch } from '../plan/extract.ts';
import { envelopeCell } from '../programs/envelope.ts';
import { flexContext } from '../programs/levers.ts';
import { simulate } from '../simulate/engine.ts';
import { bidDay, dayProducts, pacedState } from './day-bid.ts';
import { runBacktest } from './backtest.ts';
import { executeDay } from './execute.ts';
import { loadMarket } from './market-data.ts';
import { eligibleLevers, qualificationReport } from './qualification.ts';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/market/one-site.yaml', import.meta.url));
const solver = new HighsWasmSolver();
afterAll(() => solver.close());

describe('reserves', () => {
  it('capacity offered is never more than the flexibility envelope of the plan that holds it', async () => {
    const model = buildModel(loadScenario(FIXTURE));
    model.workloads[0]!.qosFloor = 0.5; // a floor gives the job work it may lose when called
    const md = loadMarket(model, 0);
    const day = md.days[0]!;
    const state = pacedState(model, day.from);
    const bid = await bidDay(model, md, day, pacedState(model, day.from), solver);
    const offers = bid.reserveOffersMW.up!;
    expect(Math.max(...offers)).toBeGreaterThan(0.01); // 30 USD/MW/h is worth selling
    const dispatch = emptyDispatch(model, 'bidding');
    const products = dayProducts(md, day);
    const da = Float64Array.from({ length: day.to - day.from }, (_, k) => md.dayAhead[day.from + k + md.offset]!);
    await executeDay(model, md, day, products, { awardMW: null, offersMW: [offers] }, state, dispatch, solver, { priceView: (t0) => da.subarray(t0 - day.from), reoptimiseEveryHours: 24 });
    const ledger = simulate(model, dispatch);
    const ctx = flexContext(model, dispatch, ledger);
    products.forEach((p, i) => {
      const cell = envelopeCell(ctx, 0, p.from, 1, 'reduce');
      expect(offers[i]! * 1000).toBeLessThanOrEqual(cell.kw + 1e-6);
    });
  });

  it('QoS floors and inference hold when the reserve is called in every hour of the day', async () => {
    const model = buildModel(loadScenario(FIXTURE));
    model.workloads[0]!.qosFloor = 0.5;
    const md = loadMarket(model, 0);
    md.reserves[0]!.deployedShare.fill(1);
    md.reserves[0]!.spec.deploymentBudgetHoursPerDay = 24;
    const other = new HighsWasmSolver();
    try {
      const r = await runBacktest(model, md, { days: [md.days[0]!], solvers: [solver, other] });
      const bidding = r.policies.bidding;
      expect(bidding.reserveRevenue).toBeGreaterThan(0);
      expect(bidding.calledMWh).toBeGreaterThan(0);
      // every call was honoured or given up; neither a floor nor a token of inference was
      expect(bidding.qos.floorsMet).toBe(true);
      expect(bidding.qos.jobs[0]!.minDailyPerformance).toBeGreaterThanOrEqual(0.5 - 1e-6);
      expect(bidding.qos.inferenceServedShare).toBe(1);
      // the meter saw the calls: the called hours import less than the same hours without reserves
      expect(bidding.meteredMWh).toBeLessThan(r.policies.priceTakerDayAhead.meteredMWh + 1e-6);
    } finally {
      await other.close();
    }
  });

  it('qualification: a product is open only to levers fast enough for it, and to offers above its minimum', () => {
    const model = buildModel(loadScenario(FIXTURE));
    const md = loadMarket(model, 0);
    const levers = md.spec.levers;
    const product = md.spec.reserves[0]!;
    expect(eligibleLevers(product, levers).up).toEqual(['storage', 'gpuCap', 'jobPause']);
    expect(eligibleLevers({ ...product, qualification: { ...product.qualification, fullActivationSeconds: 30 } }, levers).up).toEqual(['storage', 'gpuCap']);
    expect(eligibleLevers({ ...product, direction: 'down' }, levers)).toEqual({ up: [], down: ['storage', 'jobRaise'] });
    const ok = qualificationReport(model, md.spec, md.siteIndices)[0]!;
    expect(ok.qualifies).toBe(true);
    // storage 50 kW + 100 GPUs × 0.5 kW above the floor × facility factor + pausing the rest
    expect(ok.maxMW).toBeGreaterThan(0.1);
    const big = qualificationReport(model, { ...md.spec, reserves: [{ ...product, qualification: { ...product.qualification, minOfferMW: 5 } }] }, md.siteIndices)[0]!;
    expect(big.qualifies).toBe(false);
    expect(big.reason).toContain('below the 5 MW minimum offer');
    const slow = qualificationReport(model, { ...md.spec, reserves: [{ ...product, qualification: { ...product.qualification, fullActivationSeconds: 0.5 } }] }, md.siteIndices)[0]!;
    expect(slow.qualifies).toBe(false);
    expect(slow.reason).toContain('no lever responds within 0.5 s');
  });
});
