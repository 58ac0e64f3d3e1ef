/**
 * Known answers for the delivery band, pay, penalty and revenue share, worked by hand.
 * Program: 300 per MWh, paid between 80 % and 120 % of the target, penalised below 50 % at
 * (50 % × target − delivered) × 300 × 0.5 (numbers.md §5c rule, M = 0.5).
 */
import { describe, expect, it } from 'vitest';
import { applyBand } from './program.ts';
import { settleCapacity, settleEvent, settlementTotals } from './settlement.ts';
import type { BaselineResult, DeliveryRules, GridEvent, ResolvedProgram } from './types.ts';

const rules: DeliveryRules = { minRatio: 0.8, maxRatio: 1.2, penaltyBelowRatio: 0.5, penaltyMultiple: 0.5, penaltyPricePerMWh: 300, assess: 'event' };

describe('applyBand', () => {
  it('pays delivered energy inside the band', () => {
    // 900 of 1000 kWh: ratio 0.9 → 0.9 MWh × 300 = 270
    const b = applyBand(900, 1000, rules, 300);
    expect(b.ratio).toBe(0.9);
    expect(b.payment).toBeCloseTo(270, 9);
    expect(b.penalty).toBe(0);
    expect(b.rule).toBe('paid');
  });
  it('caps pay at 120 % of the target', () => {
    // 1500 of 1000 kWh: paid for 1200 kWh → 360
    const b = applyBand(1500, 1000, rules, 300);
    expect(b.paidKWh).toBe(1200);
    expect(b.payment).toBeCloseTo(360, 9);
    expect(b.rule).toBe('paid, capped at the band');
  });
  it('pays nothing between 50 % and 80 %', () => {
    const b = applyBand(700, 1000, rules, 300);
    expect(b.payment).toBe(0);
    expect(b.penalty).toBe(0);
    expect(b.rule).toBe('below the band, unpaid');
  });
  it('penalises below 50 %', () => {
    // 300 of 1000 kWh: shortfall 500 − 300 = 200 kWh = 0.2 MWh × 300 × 0.5 = 30
    const b = applyBand(300, 1000, rules, 300);
    expect(b.shortfallKWh).toBe(200);
    expect(b.penalty).toBeCloseTo(30, 9);
    // moving the wrong way counts as zero delivery: (500 − 0) kWh → 75
    expect(applyBand(-100, 1000, rules, 300).penalty).toBeCloseTo(75, 9);
  });
  it('has exact band edges', () => {
    expect(applyBand(800, 1000, rules, 300).rule).toBe('paid');
    expect(applyBand(500, 1000, rules, 300).rule).toBe('below the band, unpaid');
    expect(applyBand(1200, 1000, rules, 300).rule).toBe('paid');
  });
});

const program: ResolvedProgram = {
  id: 'p', name: 'p', direction: 'reduce', siteIndices: [0, 1], noticeHours: 0, minDurationHours: 0.25, maxDurationHours: 4,
  siteCommitmentsKW: new Map(), energyPayPerMWh: 300, capacityPayPerKWMonth: 10, delivery: rules, measurementIntervalMinutes: 60,
  baselines: new Map(), holidays: new Set(), extraWorkdays: new Set(), aggregatorShare: 0.2, bidMargin: 0.1, deliveryAim: 1, path: 'gridPrograms.programs[0]',
};
const event: GridEvent = { id: 'e1', direction: 'reduce', startMs: 0, endMs: 2 * 3600_000, targets: [], source: 'test', path: 'events[0]' };
const flat = (kw: number[]): BaselineResult => ({ method: 'meter-before', kw: Float64Array.from(kw), daysUsed: [], daysConsidered: [], referenceIntervals: [], description: 'test' });

describe('settleEvent', () => {
  // Two hourly intervals, fleet target 1000 kW. Site A: baseline 2000, actual 1300 and 1400
  // (delivers 700 + 600 = 1300 kWh); site B: baseline 1000, actual 900 and 1100 (100 − 100 = 0).
  // Fleet: 1300 of 2000 kWh = 65 % → unpaid, no penalty.
  it('judges the fleet, not each site', () => {
    const s = settleEvent({
      event, program, intervalStartMs: [0, 3600_000], intervalMinutes: 60, targetKW: Float64Array.from([1000, 1000]),
      sites: [
        { index: 0, id: 'A', baseline: flat([2000, 2000]), actualKW: Float64Array.from([1300, 1400]), targetShare: Float64Array.from([0.5, 0.5]) },
        { index: 1, id: 'B', baseline: flat([1000, 1000]), actualKW: Float64Array.from([900, 1100]), targetShare: Float64Array.from([0.5, 0.5]) },
      ],
    });
    expect(s.deliveredKWh).toBe(1300);
    expect(s.targetKWh).toBe(2000);
    expect(s.deliveryRatio).toBe(0.65);
    expect(s.payment).toBe(0);
    expect(s.penalty).toBe(0);
    expect(s.sites[0]!.band.rule).toBe('paid, capped at the band'); // A alone: 1300 of its 1000 kWh share
    expect(s.sites[1]!.intervals.map((r) => r.deliveredKWh)).toEqual([100, -100]);
  });
  // Fleet delivers 1000 + 800 = 1800 of 2000 kWh (90 %): pay 1.8 MWh × 300 = 540; the aggregator
  // keeps 20 % = 108; the 432 left go 1000 : 800 by delivered kWh = 240 and 192.
  it('shares the payment by delivered kWh after the aggregator\'s share', () => {
    const s = settleEvent({
      event, program, intervalStartMs: [0, 3600_000], intervalMinutes: 60, targetKW: Float64Array.from([1000, 1000]),
      sites: [
        { index: 0, id: 'A', baseline: flat([2000, 2000]), actualKW: Float64Array.from([1500, 1500]), targetShare: Float64Array.from([0.5, 0.5]) },
        { index: 1, id: 'B', baseline: flat([1000, 1000]), actualKW: Float64Array.from([600, 600]), targetShare: Float64Array.from([0.5, 0.5]) },
      ],
    });
    expect(s.payment).toBeCloseTo(540, 9);
    expect(s.aggregatorKeeps).toBeCloseTo(108, 9);
    expect(s.sites[0]!.payment).toBeCloseTo(240, 9);
    expect(s.sites[1]!.payment).toBeCloseTo(192, 9);
    expect(s.lines.find((l) => l.item.startsWith('energy payment'))!.amount).toBeCloseTo(540, 9);
  });
  // Fleet delivers 400 of 2000 kWh (20 %): penalty (1000 − 400) kWh = 0.6 MWh × 300 × 0.5 = 90.
  // Shortfalls against each site's 1000 kWh share: A 1000 − 400 = 600, B 1000 − 0 = 1000
  // (B delivered nothing): 90 × 600/1600 = 33.75 and 90 × 1000/1600 = 56.25.
  it('penalises below 50 % and splits the penalty by shortfall', () => {
    const s = settleEvent({
      event, program, intervalStartMs: [0, 3600_000], intervalMinutes: 60, targetKW: Float64Array.from([1000, 1000]),
      sites: [
        { index: 0, id: 'A', baseline: flat([2000, 2000]), actualKW: Float64Array.from([1800, 1800]), targetShare: Float64Array.from([0.5, 0.5]) },
        { index: 1, id: 'B', baseline: flat([1000, 1000]), actualKW: Float64Array.from([1000, 1000]), targetShare: Float64Array.from([0.5, 0.5]) },
      ],
    });
    expect(s.penalty).toBeCloseTo(90, 9);
    expect(s.sites[0]!.penalty).toBeCloseTo(33.75, 9);
    expect(s.sites[1]!.penalty).toBeCloseTo(56.25, 9);
    expect(s.payment).toBe(0);
  });
  // Per-interval assessment: interval 1 delivers 1000 of 1000 (paid 300), interval 2 delivers
  // 300 of 1000 (30 % → penalty (500 − 300) kWh × 0.3 × 0.5 = 30).
  it('applies the band per interval when the program says so', () => {
    const s = settleEvent({
      event, program: { ...program, delivery: { ...rules, assess: 'interval' } }, intervalStartMs: [0, 3600_000], intervalMinutes: 60, targetKW: Float64Array.from([1000, 1000]),
      sites: [{ index: 0, id: 'A', baseline: flat([2000, 2000]), actualKW: Float64Array.from([1000, 1700]), targetShare: Float64Array.from([1, 1]) }],
    });
    expect(s.intervalBands!.map((b) => b.rule)).toEqual(['paid', 'below the penalty threshold']);
    expect(s.payment).toBeCloseTo(300, 9);
    expect(s.penalty).toBeCloseTo(30, 9);
  });
  it('measures valley filling as actual − baseline', () => {
    const s = settleEvent({
      event: { ...event, direction: 'increase' }, program: { ...program, direction: 'increase' }, intervalStartMs: [0], intervalMinutes: 60, targetKW: Float64Array.from([500]),
      sites: [{ index: 0, id: 'A', baseline: flat([1000]), actualKW: Float64Array.from([1500]), targetShare: Float64Array.from([1]) }],
    });
    expect(s.deliveredKWh).toBe(500);
    expect(s.deliveryRatio).toBe(1);
  });
});

describe('capacity pay and totals', () => {
  // 2000 kW × 10 per kW-month × 3 months = 60000; aggregator 20 % = 12000; 48000 split 3 : 1.
  it('pays the commitment per month and shares it by committed kW', () => {
    const c = settleCapacity(program, 2000, 3, [{ id: 'A', commitmentKW: 1500 }, { id: 'B', commitmentKW: 500 }]);
    expect(c.amount).toBe(60000);
    expect(c.aggregatorKeeps).toBe(12000);
    expect(c.bySite.map((s) => s.payment)).toEqual([36000, 12000]);
    const t = settlementTotals([], c);
    expect(t.capacityPayment).toBe(60000);
    expect(t.net).toBe(60000);
    expect(t.bySite.find((s) => s.id === 'A')!.payment).toBe(36000);
  });
});
