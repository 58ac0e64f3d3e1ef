/**
 * `wattshift demo vpp --json` (the script contract, as a real process) and `wattshift ven`
 * against a running VTN: an event targeted at the site is answered, its setpoints written by the
 * file adapter and printed by the NVIDIA dry run, and the forecast report stored at the VTN.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OpenAdrClient } from '../../src/openadr/ven/client.ts';
import { startVtn } from '../../src/openadr/vtn/index.ts';
import { openStore } from '../../src/store/index.ts';
import { runInProcess, runProcess } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'wattshift-ven-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('wattshift demo vpp', () => {
  it('--json prints the contract: delivery, settlement, latency and the offline dr within 1 %', () => {
    const r = runProcess(['demo', 'vpp', '--sites', '2', '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(j.sites).toBe(2);
    expect(j.currency).toBe('USD');
    for (const k of ['targetMW', 'deliveredMWh', 'deliveryRatio', 'payment']) expect(typeof j[k]).toBe('number');
    expect(j.latencyMs.p50).toBeGreaterThan(0);
    expect(j.latencyMs.p99).toBeGreaterThanOrEqual(j.latencyMs.p50);
    expect(Math.abs(j.deliveredMWh / j.offline.deliveredMWh - 1)).toBeLessThan(0.01);
    expect(Math.abs(j.payment / j.offline.payment - 1)).toBeLessThan(0.01);
  }, 180_000);

  it('refuses a bad site or thread count with exit code 2, naming the option', async () => {
    const r = await runInProcess(['demo', 'vpp', '--sites', '0']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--sites.*from 1 to/);
    const t = await runInProcess(['demo', 'vpp', '--sites', '2', '--ven-threads', '1.5']);
    expect(t.code).toBe(2);
    expect(t.err).toMatch(/--ven-threads.*from 0 to/);
  });
});

describe('wattshift ven', () => {
  it('answers an event targeted at its site: setpoints to the adapters, forecast report to the VTN', async () => {
    const store = await openStore(':memory:');
    const vtn = await startVtn({ store, port: 0 });
    try {
      const bl = await vtn.vtn.clients.create('bl');
      const ven = await vtn.vtn.clients.create('ven');
      await vtn.vtn.vens.create({ clientId: 'test', role: 'bl', scopes: new Set(['write_vens']) }, { objectType: 'BL_VEN_REQUEST', venName: 'phoenix', clientID: ven.id, targets: ['phoenix'] });
      const c = new OpenAdrClient({ url: vtn.url, clientId: bl.id, clientSecret: bl.secret });
      const program = await c.createProgram({ programName: 'srp', payloadDescriptors: [{ objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType: 'IMPORT_CAPACITY_LIMIT', units: 'KW' }] });
      const event = await c.createEvent({
        programID: program.id,
        eventName: 'peak',
        targets: ['phoenix'],
        payloadDescriptors: [{ objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType: 'IMPORT_CAPACITY_LIMIT', units: 'KW' }],
        intervalPeriod: { start: '2025-05-03T16:00:00-07:00', duration: 'PT15M' },
        intervals: [0, 1, 2, 3].map((id) => ({ id, payloads: [{ type: 'IMPORT_CAPACITY_LIMIT', values: [180] }] })),
      });
      const out = join(dir, 'setpoints');
      const r = await runInProcess(['ven', '--vtn', vtn.url, '--client-id', ven.id, '--client-secret', ven.secret, '--scenario', 'examples/phoenix-2025.yaml', '--site', 'phoenix', '--notify', 'poll', '--once', '--json', '--adapter', `file:${out}`, '--adapter', 'nvidia']);
      expect(r.code).toBe(0);
      const answer = JSON.parse(r.out.trim()) as { event: string; plannedKW: number[]; requiredKW: number[]; shortKW: number[] };
      expect(answer.event).toBe(event.id);
      expect(answer.plannedKW).toHaveLength(4);
      answer.plannedKW.forEach((p, q) => expect(p).toBeCloseTo(answer.requiredKW[q]!, 6));
      expect(answer.requiredKW[0]).toBeGreaterThan(0);
      const files = readdirSync(out);
      expect(files).toEqual([`phoenix--${String(event.id)}.json`]);
      expect(JSON.parse(readFileSync(join(out, files[0]!), 'utf8'))).toMatchObject({ site: 'phoenix', fromStep: 5 });
      expect(r.err).toMatch(/ssh phoenix-node0000 nvidia-smi -i 0,1,2,3,4,5,6,7 -pl \d+/);
      const reports = await c.reports({ eventID: String(event.id) });
      expect(reports.map((x) => x.reportName)).toEqual([`${String(event.id)} forecast`]);
    } finally {
      await vtn.close();
      await store.close();
    }
  }, 120_000);
});
