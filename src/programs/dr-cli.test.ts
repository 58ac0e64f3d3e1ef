/**
 * End to end through the command line: `wattshift dr` on the Phoenix field event (the JSON
 * contract, the settlement files and OpenADR output), `wattshift flex`, bad options, and the
 * China fleet's annual program (revenue, lost work, under 60 s).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main.ts';
import { validateOpenAdr } from './openadr/validate.ts';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const PHOENIX = `${EXAMPLES}phoenix-2025.yaml`;

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'wattshift', ...args], { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

interface DrJson {
  event: { start: string; end: string };
  baselineMethod: string;
  targetReductionMW: number;
  deliveredMWh: number;
  deliveryRatio: number;
  payment: number;
  penalty: number;
  currency: string;
  sites: Array<{ id: string; baselineMWh: number; actualMWh: number; deliveredMWh: number; payment: number }>;
  work: { lostGpuHours: number; deferredGpuHours: number; qosBefore: number; qosAfter: number; byWorkload: Array<{ id: string; performanceAfter: number; qosFloor: number | null }> };
  checks: { sloKept: boolean; qosKept: boolean };
  capacityPayment: number;
  net: number;
  events: unknown[];
}

const dir = mkdtempSync(join(tmpdir(), 'wattshift-dr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('wattshift dr on the Phoenix field event', () => {
  it('settles the 25 % / 3 h event against the pre-event baseline (JSON contract)', async () => {
    const r = await cli('dr', PHOENIX, '--json');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as DrJson;
    expect(j.event).toMatchObject({ start: '2025-05-03T16:00:00-07:00', end: '2025-05-03T19:00:00-07:00' });
    expect(j.baselineMethod).toBe('meter-before');
    expect(j.currency).toBe('USD');
    const site = j.sites[0]!;
    expect(site.id).toBe('phoenix');
    // 25 % of the pre-event load, held for 3 h
    expect(j.targetReductionMW).toBeCloseTo((0.25 * site.baselineMWh) / 3, 5);
    expect(site.deliveredMWh).toBeCloseTo(site.baselineMWh - site.actualMWh, 5);
    expect(j.deliveredMWh).toBeCloseTo(site.deliveredMWh, 6);
    expect(j.deliveryRatio).toBeGreaterThanOrEqual(0.99);
    expect(j.deliveryRatio).toBeLessThanOrEqual(1.2);
    expect(j.payment).toBeCloseTo(j.deliveredMWh * 500, 1);
    expect(site.payment).toBeCloseTo(j.payment, 2);
    expect(j.penalty).toBe(0);
    expect(j.checks).toMatchObject({ sloKept: true, qosKept: true });
    for (const w of j.work.byWorkload) if (w.qosFloor !== null) expect(w.performanceAfter).toBeGreaterThanOrEqual(w.qosFloor - 1e-9);
    expect(j.work.lostGpuHours).toBeGreaterThan(0);
  });

  it('gives the same settlement for the OpenADR 3.1 and CSV forms of the event', async () => {
    const a = JSON.parse((await cli('dr', PHOENIX, '--event', `${EXAMPLES}events/phoenix-2025-05-03.openadr.json`, '--json')).out) as DrJson;
    const b = JSON.parse((await cli('dr', PHOENIX, '--event', `${EXAMPLES}events/phoenix-2025-05-03.csv`, '--json')).out) as DrJson;
    const c = JSON.parse((await cli('dr', PHOENIX, '--event', '2025-05-03T16:00/3h', '--target-percent', '25', '--json')).out) as DrJson;
    for (const x of [b, c]) {
      expect(x.deliveredMWh).toBeCloseTo(a.deliveredMWh, 9);
      expect(x.payment).toBe(a.payment);
    }
  });

  it('writes the settlement, the per-site OpenADR dispatch and the report', async () => {
    const out = join(dir, 'phoenix');
    const r = await cli('dr', PHOENIX, '--out', out);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/srp-2025-05-03/);
    expect(readdirSync(out).sort()).toEqual(['.wattshift-output', 'openadr', 'report.html', 'settlement-intervals.csv', 'settlement.csv', 'settlement.json']);
    const adr = readdirSync(join(out, 'openadr'));
    expect(adr).toEqual(['srp-2025-05-03-phoenix.json']);
    const event = JSON.parse(readFileSync(join(out, 'openadr', adr[0]!), 'utf8')) as Record<string, unknown>;
    expect(validateOpenAdr(event, 'event')).toEqual([]);
    expect((event.intervals as unknown[]).length).toBe(12);
    const intervals = readFileSync(join(out, 'settlement-intervals.csv'), 'utf8').trim().split('\n');
    expect(intervals).toHaveLength(13);
    expect(intervals[1]).toMatch(/^srp-2025-05-03,phoenix,2025-05-03T16:00:00-07:00,/);
    expect(readFileSync(join(out, 'settlement.csv'), 'utf8')).toMatch(/energy payment/);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('id="grid-programs"');
    expect(html).toContain('<svg');
  });

  it('refuses bad options and bad events with exit code 2', async () => {
    for (const args of [
      ['--target-mw', '1', '--target-percent', '5'],
      ['--target-percent', '250'],
      ['--baseline', 'nonsense'],
      ['--program', 'missing'],
      ['--event', '2025-05-03T16:00/3h', '--event', '2025-05-03T17:00/1h'],
      ['--event', '2025-05-04T16:00/3h'],
      ['--event', 'tomorrow/3h'],
      ['--baseline', 'caiso-10-of-10'],
    ]) {
      const r = await cli('dr', PHOENIX, ...args, '--json');
      expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(2);
      expect(r.err).toMatch(/^error \[[A-Z_]+\]/);
    }
    const history = await cli('dr', PHOENIX, '--baseline', 'jiangsu-5-working-days');
    expect(history.err).toMatch(/phoenix-2025\.yaml:\d+:\d+ .*needs 5 normal working days .* found 0/);
  });
});

describe('wattshift flex', () => {
  it('prints the envelope of the Phoenix cluster as JSON', async () => {
    const r = await cli('flex', PHOENIX, '--json');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { durationsHours: number[]; fleet: { hours: Array<{ start: string; reduce: Array<{ kW: number; feasible: boolean }> }> }; sites: unknown[] };
    expect(j.durationsHours).toEqual([1, 2, 3, 4]);
    expect(j.sites).toHaveLength(1);
    expect(j.fleet.hours[0]!.start).toMatch(/^2025-05-03T14:45:00-07:00$|^2025-05-03T1\d:\d\d:00-07:00$/);
    const first = j.fleet.hours[0]!.reduce;
    expect(first[0]!.kW).toBeGreaterThan(0);
    for (let k = 1; k < first.length; k++) if (first[k]!.feasible) expect(first[k]!.kW).toBeLessThanOrEqual(first[k - 1]!.kW);
  });
  it('writes envelope files and a report with its chart', async () => {
    const out = join(dir, 'flex');
    const r = await cli('flex', PHOENIX, '--durations', '1,3', '--out', out);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/fleet \(what the aggregator can promise\)/);
    expect(readdirSync(out).sort()).toEqual(['.wattshift-output', 'envelope.csv', 'envelope.json', 'report.html']);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('id="flexibility"');
  });
  it('refuses a day outside the horizon and bad durations', async () => {
    expect((await cli('flex', PHOENIX, '--day', '2025-06-01')).code).toBe(2);
    expect((await cli('flex', PHOENIX, '--day', 'monday')).code).toBe(2);
    expect((await cli('flex', PHOENIX, '--durations', '1,x')).code).toBe(2);
    expect((await cli('flex', PHOENIX, '--durations', '0.1')).code).toBe(2);
  });
});

describe('China fleet annual program', () => {
  it('settles a summer of events: revenue, lost work, SLOs and QoS kept, under 60 s', async () => {
    const t0 = performance.now();
    const r = await cli('dr', `${EXAMPLES}china-fleet.yaml`, '--annual', '--json');
    const seconds = (performance.now() - t0) / 1000;
    expect(r.code, r.err).toBe(0);
    expect(seconds).toBeLessThan(60);
    const j = JSON.parse(r.out) as DrJson;
    expect(j.currency).toBe('CNY');
    expect(j.events.length).toBe(15);
    expect(j.payment).toBeGreaterThan(0);
    expect(j.net).toBeCloseTo(j.payment - j.penalty, 1);
    expect(j.checks).toMatchObject({ sloKept: true, qosKept: true });
    expect(j.work.lostGpuHours).toBeGreaterThanOrEqual(0);
    expect(j.sites.map((s) => s.id)).toEqual(['ulanqab', 'qingyang', 'guian', 'beijing', 'shaoguan']);
  }, 120_000);
});
