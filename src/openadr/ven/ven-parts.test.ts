import { describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SiteSetpoints } from '../../respond/setpoints.ts';
import type { SiteState } from '../../respond/site-call.ts';
import { nvidiaCommands, schedulerCommands } from './adapters/index.ts';
import { eventCall } from './event-call.ts';
import { TelemetryStore, parseSample } from './telemetry.ts';
import { InputError } from '../../errors/index.ts';

// a site state with just what eventCall reads: a 15-minute grid from 16:00Z and the planned import
const state = {
  model: { grid: { startMs: Date.parse('2025-05-03T16:00:00Z'), stepMinutes: 15, steps: 8 } },
  baseLedger: { sites: [{ gridImportKW: Float64Array.from([100, 100, 200, 200, 300, 300, 300, 300]) }] },
  site: 0,
} as unknown as SiteState;

describe('OpenADR payloads to what a site is asked', () => {
  it('maps limits, relative setpoints, SIMPLE levels and prices onto steps, worked by hand', () => {
    const c = eventCall(state, {
      id: 'e',
      payloadDescriptors: [{ payloadType: 'PRICE', units: 'MWH' }],
      intervalPeriod: { start: '2025-05-03T16:30:00Z', duration: 'PT30M' },
      intervals: [
        { id: 0, payloads: [{ type: 'IMPORT_CAPACITY_LIMIT', values: [150] }] }, // steps 2–3: 200 − 150
        { id: 1, payloads: [{ type: 'SIMPLE', values: [2] }, { type: 'GHG', values: [400] }] }, // steps 4–5: 20 % of 300
        { id: 2, intervalPeriod: { start: '2025-05-03T17:30:00Z', duration: 'PT15M' }, payloads: [{ type: 'PRICE', values: [900] }] },
      ],
    });
    expect([c.startStep, c.endStep]).toEqual([2, 7]);
    expect(Array.from(c.requiredKW)).toEqual([50, 50, 60, 60, 0]);
    expect(Array.from(c.valuePerMWh!)).toEqual([0, 0, 0, 0, 900]);
    expect(c.ignored).toEqual(['GHG']);
    // a limit above the import asks nothing; intervals off the grid are refused by path
    expect(Array.from(eventCall(state, { id: 'f', intervalPeriod: { start: '2025-05-03T16:00:00Z', duration: 'PT15M' }, intervals: [{ id: 0, payloads: [{ type: 'DISPATCH_SETPOINT_RELATIVE', values: [-30] }] }] }).requiredKW)).toEqual([30]);
    // a setpoint above the plan asks for more import; an export limit is kept per step
    const up = eventCall(state, {
      id: 'h',
      intervalPeriod: { start: '2025-05-03T16:00:00Z', duration: 'PT15M' },
      intervals: [
        { id: 0, payloads: [{ type: 'DISPATCH_SETPOINT', values: [130] }] }, // step 0: 130 − 100 more
        { id: 1, payloads: [{ type: 'DISPATCH_SETPOINT', values: [40] }, { type: 'EXPORT_CAPACITY_LIMIT', values: [25] }] }, // step 1: 100 − 40 less
      ],
    });
    expect(Array.from(up.increaseKW!)).toEqual([30, 0]);
    expect(Array.from(up.requiredKW)).toEqual([0, 60]);
    expect(Array.from(up.exportLimitKW!)).toEqual([Infinity, 25]);
    expect(() => eventCall(state, { id: 'g', intervalPeriod: { start: '2025-05-03T16:05:00Z', duration: 'PT15M' }, intervals: [{ id: 0, payloads: [{ type: 'IMPORT_CAPACITY_LIMIT', values: [1] }] }] })).toThrow(/15-minute steps/);
  });
});

describe('dry-run adapters', () => {
  const sp: SiteSetpoints = {
    site: 'dc', eventId: 'e', fromStep: 0, startMs: Date.parse('2025-05-03T16:00:00Z'), stepMinutes: 15, length: 3,
    jobs: [{ workload: 'train', gpuPowerW: [300, 300, 400], gpus: [16, 0, 16], baseGpus: [16, 16, 16] }],
    inference: [], storageKW: null, exportLimitKW: null,
  };
  it('print a power limit per node and change, and suspend/resume/resize per change of GPUs', () => {
    const nv = nvidiaCommands(sp, 8);
    expect(nv).toHaveLength(4); // two nodes × two limits (300 W, then 400 W)
    expect(nv[0]).toContain('ssh dc-node0000 nvidia-smi -i 0,1,2,3,4,5,6,7 -pl 300');
    const slurm = schedulerCommands(sp, 'slurm', 8).join('\n');
    expect(slurm).toMatch(/16:15Z train: 0 GPUs[^\n]*\nscontrol suspend train/);
    expect(slurm).toMatch(/scontrol resume train\n[^\n]*\nscontrol update JobName=train NumNodes=2/);
    expect(schedulerCommands(sp, 'kubernetes', 8).join('\n')).toContain('kubectl scale job/train --replicas=0');
  });
});

describe('telemetry', () => {
  it('averages samples over intervals by the time they cover, and refuses bad samples by field', () => {
    const t = new TelemetryStore();
    const at = Date.parse('2025-05-03T16:00:00Z');
    t.record(parseSample({ quantity: 'meterKW', start: '2025-05-03T16:00:00Z', durationMinutes: 10, value: 90 }));
    t.record(parseSample({ quantity: 'meterKW', start: '2025-05-03T16:10:00Z', durationMinutes: 10, value: 120 }));
    const avg = t.averages('meterKW', at, 15 * 60_000, 3);
    expect(avg[0]).toBeCloseTo((90 * 10 + 120 * 5) / 15, 9);
    expect(avg[1]).toBeCloseTo(120, 9);
    expect(Number.isNaN(avg[2])).toBe(true);
    expect(() => parseSample({ quantity: 'meterKW', start: 'yesterday', value: 1 })).toThrow(/telemetry\.start/);
    expect(() => parseSample({ quantity: 'volts', start: '2025-05-03T16:00:00Z', value: 1 })).toThrow(/meterKW, gpuKW/);
  });
});

describe('telemetry into a VEN', () => {
  it('arrives over HTTP (POST /telemetry) and MQTT, and a bad sample gets 400 naming the field', async () => {
    const { Ven } = await import('./ven.ts');
    const { OpenAdrClient } = await import('./client.ts');
    const { MemoryAdapter } = await import('./adapters/memory.ts');
    const { Aedes } = await import('aedes');
    const { createServer } = await import('node:net');
    const mqtt = (await import('mqtt')).default;
    const ven = new Ven({
      client: new OpenAdrClient({ url: 'http://127.0.0.1:9', clientId: 'x', clientSecret: 'y' }),
      venName: 'dc',
      state: state,
      adapter: new MemoryAdapter(),
      deps: { solverFactory: () => { throw new Error('no solver needed'); } },
    });
    const broker = await Aedes.createBroker();
    const server = createServer(broker.handle);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `mqtt://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      await ven.listenTelemetry('127.0.0.1', 0);
      const post = (body: unknown) => fetch(`http://127.0.0.1:${ven.httpPort}/telemetry`, { method: 'POST', body: JSON.stringify(body) });
      expect((await post([{ quantity: 'meterKW', start: '2025-05-03T16:00:00Z', durationMinutes: 15, value: 80 }])).status).toBe(204);
      const bad = await post({ quantity: 'meterKW', start: '2025-05-03T16:15:00Z', value: 'high' });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { detail: string }).detail).toMatch(/telemetry\.value/);
      await ven.subscribeTelemetry({ url, topic: 'wattshift/dc/telemetry' });
      const pub = await mqtt.connectAsync(url);
      await pub.publishAsync('wattshift/dc/telemetry', JSON.stringify({ quantity: 'meterKW', start: '2025-05-03T16:15:00Z', durationMinutes: 15, value: 60 }), { qos: 1 });
      await pub.endAsync();
      const at = Date.parse('2025-05-03T16:00:00Z');
      for (let i = 0; i < 50 && Number.isNaN(ven.telemetry.averages('meterKW', at, 900_000, 2)[1]); i++) await new Promise((r) => setTimeout(r, 20));
      expect(Array.from(ven.telemetry.averages('meterKW', at, 900_000, 2))).toEqual([80, 60]);
    } finally {
      await ven.stop();
      await new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => broker.close(() => r()));
    }
  });

  it('reads its JSON-lines file back after a restart, drops a line cut short by a kill, and names a bad line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'telemetry-'));
    try {
      const file = join(dir, 'samples.jsonl');
      const at = Date.parse('2025-05-03T16:00:00Z');
      const first = new TelemetryStore(file);
      first.record(parseSample({ quantity: 'meterKW', start: '2025-05-03T16:00:00Z', durationMinutes: 10, value: 90 }));
      first.record(parseSample({ quantity: 'exportKW', start: '2025-05-03T16:00:00Z', durationMinutes: 15, value: 7 }));
      // a kill in the middle of the next write leaves half a line
      appendFileSync(file, '{"quantity":"meterKW","startMs":');
      const again = new TelemetryStore(file);
      expect(again.averages('meterKW', at, 10 * 60_000, 1)[0]).toBe(90);
      expect(again.averages('exportKW', at, 15 * 60_000, 1)[0]).toBe(7);
      // the half line is gone, so what comes next is a line of its own and reads back too
      again.record(parseSample({ quantity: 'meterKW', start: '2025-05-03T16:10:00Z', durationMinutes: 5, value: 120 }));
      expect(new TelemetryStore(file).averages('meterKW', at, 15 * 60_000, 1)[0]).toBeCloseTo((90 * 10 + 120 * 5) / 15, 9);
      // a bad line in the middle: an error naming file, line and field, and the file untouched
      const text = `${readFileSync(file, 'utf8')}{"quantity":"meterKW","startMs":"soon","durationMs":0,"value":1}\n{"quantity":"meterKW","startMs":`;
      writeFileSync(file, text);
      let err: unknown;
      try {
        new TelemetryStore(file);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).format()).toBe(`${file}:4: telemetry sample: startMs "soon"; give milliseconds since 1970-01-01T00:00Z (a line of the VEN's telemetry file: a JSON object with quantity, startMs, durationMs and value)`);
      expect(readFileSync(file, 'utf8')).toBe(text);
      writeFileSync(file, 'null\n');
      expect(() => new TelemetryStore(file)).toThrow(/telemetry sample: found "null", not an object/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
