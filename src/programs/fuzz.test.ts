/**
 * Fuzzed bad event files: every case is a valid Phoenix event file (CSV, YAML/JSON schedule or
 * OpenADR 3.1 JSON) broken in one way a user might break it. Each must end in an InputError
 * (exit code 2 from the CLI), never an internal error, and the message must say where.
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main.ts';
import { InputError } from '../errors/index.ts';
import { buildModel, loadScenario } from '../pipeline.ts';
import { checkEvents, parseEventText, type EventContext } from './events.ts';
import { resolveProgram, siteCapacityKW } from './program.ts';

const PHOENIX = fileURLToPath(new URL('../../examples/phoenix-2025.yaml', import.meta.url));
const model = buildModel(loadScenario(PHOENIX));
const { program } = resolveProgram(model);
const ctx: EventContext = { grid: model.grid, direction: 'reduce', siteIds: ['phoenix'], programIds: ['srp-peak-2025'] };

/** A broken event file: name (the extension picks the reader) and text. */
interface Case {
  name: string;
  text: string;
  why: string;
}

const junk = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/^\s*\d{1,4}([-:T]|$)/.test(s) && !s.includes(',') && !s.includes('\n') && !s.includes('"') && s.trim().length > 0);
const hour = fc.integer({ min: 16, max: 18 });

const csvCases: fc.Arbitrary<Case> = fc.oneof(
  junk.map((j) => ({ name: 'e.csv', text: `start,durationHours,targetPercent\n${j},3,25\n`, why: 'start is not a time' })),
  fc.oneof(fc.constant('-1'), fc.constant('0'), junk).map((d) => ({ name: 'e.csv', text: `start,durationHours,targetPercent\n2025-05-03T16:00,${d},25\n`, why: 'bad duration' })),
  fc.integer({ min: 1, max: 30 }).map((days) => ({ name: 'e.csv', text: `start,durationHours,targetPercent\n2025-05-${String(3 + days).padStart(2, '0')}T16:00,2,25\n`, why: 'outside the horizon' })),
  fc.tuple(hour, fc.integer({ min: 1, max: 59 }).filter((m) => m % 15 !== 0)).map(([h, m]) => ({ name: 'e.csv', text: `start,durationHours\n2025-05-03T${h}:${String(m).padStart(2, '0')},1\n`, why: 'off the meter grid' })),
  fc.tuple(hour, fc.integer({ min: 1, max: 3 })).map(([h, d]) => ({ name: 'e.csv', text: `id,start,durationHours\na,2025-05-03T${h}:00,${d + 1}\nb,2025-05-03T${h}:00,${d}\n`, why: 'overlap' })),
  fc.double({ min: 4.25, max: 24, noNaN: true }).map((d) => ({ name: 'e.csv', text: `start,durationHours\n2025-05-03T15:00,${Math.round(d * 4) / 4}\n`, why: 'too long' })),
  fc.oneof(fc.double({ min: 100.01, max: 1e6, noNaN: true }), fc.double({ min: -1e6, max: 0, noNaN: true })).map((p) => ({ name: 'e.csv', text: `start,durationHours,targetPercent\n2025-05-03T16:00,1,${p}\n`, why: 'bad percent' })),
  fc.double({ min: 1, max: 1e4, noNaN: true }).map((mw) => ({ name: 'e.csv', text: `start,durationHours,targetMW\n2025-05-03T16:00,1,${mw}\n`, why: 'target above capacity' })),
  junk.filter((j) => !/^(id|program|start|end|durationHours|issued|targetMW|targetPercent|importLimitMW|sites|duration_hours|target_mw|target_percent|import_limit_mw)$/i.test(j.trim())).map((c) => ({ name: 'e.csv', text: `start,${c}\n2025-05-03T16:00,1\n`, why: 'unknown column' })),
  junk.filter((j) => !/^\s*phoenix\s*$/.test(j) && !/[;|\s]/.test(j)).map((s) => ({ name: 'e.csv', text: `start,durationHours,sites\n2025-05-03T16:00,1,${s}\n`, why: 'unknown site' })),
  fc.integer({ min: 1, max: 120 }).map((m) => ({ name: 'e.csv', text: `start,durationHours,issued\n2025-05-03T16:00,1,2025-05-03T${16 + Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}\n`, why: 'notified after the start' })),
  fc.constantFrom('', 'start,durationHours\n', '\n\n', 'start\n"2025-05-03T16:00\n').map((t) => ({ name: 'e.csv', text: t, why: 'empty or broken CSV' })),
);

const yamlCases: fc.Arbitrary<Case> = fc.oneof(
  fc.constantFrom('42', '"text"', 'null', '{}', '[]', 'events: 3', 'events: []').map((t) => ({ name: 'e.yaml', text: t, why: 'not a list of events' })),
  junk.filter((k) => /^[A-Za-z]\w*$/.test(k) && !['start', 'end', 'durationHours', 'issued', 'targetMW', 'targetPercent', 'importLimitMW', 'sites', 'id', 'program'].includes(k)).map((k) => ({ name: 'e.yaml', text: `- { start: 2025-05-03T16:00, durationHours: 1, ${k}: 1 }\n`, why: 'unknown key' })),
  fc.constantFrom('{ start: 2025-05-03T16:00 }', '{ durationHours: 1 }', '{ start: 2025-05-03T16:00, durationHours: "x" }', '{ start: 2025-05-03T16:00, durationHours: 1, targetMW: 1, targetPercent: 5 }', '{ start: 2025-05-03T16:00, durationHours: 1, sites: [] }', '{ start: [1], durationHours: 1 }', '{ start: 2025-05-03T16:00, durationHours: 1, program: other }')
    .map((e) => ({ name: 'e.yaml', text: `events:\n  - ${e}\n`, why: 'schema' })),
  fc.constantFrom('[{', 'events: [}', '- a: b: c', '{"events": [1,}').map((t) => ({ name: 'e.json', text: t, why: 'syntax' })),
);

const base = () => ({
  programID: 'srp-peak-2025',
  payloadDescriptors: [{ objectType: 'EVENT_PAYLOAD_DESCRIPTOR', payloadType: 'IMPORT_CAPACITY_LIMIT', units: 'KW' }],
  intervalPeriod: { start: '2025-05-03T16:00:00-07:00', duration: 'PT1H' },
  intervals: [{ id: 0, payloads: [{ type: 'IMPORT_CAPACITY_LIMIT', values: [150] as unknown[] }] }],
});
type Adr = ReturnType<typeof base> & Record<string, unknown>;
const adr = (why: string, f: (d: Adr) => void) => {
  const d = base() as Adr;
  f(d);
  return { name: 'e.json', text: JSON.stringify(d), why };
};
const openAdrCases: fc.Arbitrary<Case> = fc.oneof(
  fc.constant(adr('no programID', (d) => delete (d as Record<string, unknown>).programID)),
  junk.map((j) => adr('bad duration', (d) => (d.intervalPeriod.duration = j))),
  fc.constantFrom('P1Y', 'P9999Y', 'P2M', '-PT1H', 'PT0S').map((x) => adr('duration refused', (d) => (d.intervalPeriod.duration = x))),
  junk.map((j) => adr('bad start', (d) => (d.intervalPeriod.start = j))),
  fc.constantFrom('0001-01-01T00:00:00Z', '2025-05-03T16:00:00', '2025-05-03 16:00:00Z').map((x) => adr('start refused', (d) => (d.intervalPeriod.start = x))),
  fc.oneof(fc.double({ max: -1e-9, noNaN: true }), junk.map((j) => j as unknown), fc.constant(null as unknown)).map((v) => adr('bad value', (d) => (d.intervals[0]!.payloads[0]!.values = [v]))),
  fc.constant(adr('two values', (d) => (d.intervals[0]!.payloads[0]!.values = [1, 2]))),
  junk.filter((j) => !['KW', 'KWH', 'THERMS', 'GHG', 'VOLTS', 'AMPS', 'CELSIUS', 'FAHRENHEIT', 'PERCENT', 'KVA', 'KVAH', 'KVAR', 'KVARH'].includes(j)).map((u) => adr('bad units', (d) => (d.payloadDescriptors[0]!.units = u))),
  fc.constant(adr('units not kW', (d) => (d.payloadDescriptors[0]!.units = 'KWH'))),
  fc.constant(adr('only a price', (d) => (d.intervals[0]!.payloads[0]!.type = 'PRICE'))),
  fc.constant(adr('no intervals', (d) => (d.intervals = []))),
  fc.constant(adr('duplicate interval ids', (d) => d.intervals.push({ id: 0, payloads: [{ type: 'IMPORT_CAPACITY_LIMIT', values: [1] }] }))),
  fc.constant(adr('outside the horizon', (d) => (d.intervalPeriod.start = '2025-05-04T16:00:00-07:00'))),
  fc.constant(adr('off the grid', (d) => (d.intervalPeriod.start = '2025-05-03T16:05:00-07:00'))),
  fc.constant(adr('too long', (d) => (d.intervalPeriod.duration = 'PT5H'))),
  fc.constant(adr('wrong object type', (d) => Object.assign(d, { id: 'x', objectType: 'REPORT', createdDateTime: '2025-05-03T10:00:00Z', modificationDateTime: '2025-05-03T10:00:00Z' }))),
  fc.constant(adr('metadata missing', (d) => Object.assign(d, { objectType: 'EVENT' }))),
  fc.constant(adr('percent above 1', (d) => { d.payloadDescriptors[0]!.payloadType = 'DISPATCH_SETPOINT_RELATIVE'; d.payloadDescriptors[0]!.units = 'PERCENT'; d.intervals[0]!.payloads[0]!.type = 'DISPATCH_SETPOINT_RELATIVE'; d.intervals[0]!.payloads[0]!.values = [25]; })),
  fc.constant(adr('targets as objects', (d) => (d.targets = [{ type: 'RESOURCE_NAME', values: ['phoenix'] }]))),
  fc.constant(adr('priority negative', (d) => (d.priority = -1))),
  fc.constant(adr('created later than start', (d) => Object.assign(d, { id: 'x', objectType: 'EVENT', createdDateTime: '2025-05-03T17:00:00-07:00', modificationDateTime: '2025-05-03T17:00:00-07:00' }))),
);

const anyCase = fc.oneof(csvCases, yamlCases, openAdrCases);

function readAndCheck(c: Case): void {
  const events = parseEventText(c.text, c.name, ctx);
  checkEvents(events, { grid: model.grid, program, siteIds: ['phoenix'], siteCapacityKW: model.sites.map(siteCapacityKW) });
}

describe('fuzzed bad event files', () => {
  it('all end in an InputError that names the file (300 cases)', () => {
    fc.assert(
      fc.property(anyCase, (c) => {
        let err: unknown;
        try {
          readAndCheck(c);
        } catch (e) {
          err = e;
        }
        expect(err, `${c.why}: ${c.text}`).toBeInstanceOf(InputError);
        const e = err as InputError;
        expect(['EVENT_INVALID', 'FILE_NOT_FOUND']).toContain(e.code);
        expect(e.location.file !== undefined || e.location.path !== undefined, `${c.why}: ${e.format()}`).toBe(true);
      }),
      { numRuns: 300, seed: 4 },
    );
  });

  const dir = mkdtempSync(join(tmpdir(), 'wattshift-events-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('end with exit code 2 through `wattshift dr --event` (30 cases)', async () => {
    const cases = fc.sample(anyCase, { numRuns: 30, seed: 7 });
    let i = 0;
    for (const c of cases) {
      const file = join(dir, `${i++}-${c.name}`);
      writeFileSync(file, c.text);
      let err = '';
      const code = await main(['node', 'wattshift', 'dr', PHOENIX, '--event', file, '--json'], { out: () => {}, err: (t) => (err += t) });
      expect(code, `${c.why}: ${c.text}\n${err}`).toBe(2);
      expect(err).toMatch(/^error \[(EVENT_INVALID|FILE_NOT_FOUND)\]/);
    }
  });
});

describe('hostile event input ends in an input error, not a RangeError from the time-zone code', () => {
  const huge = '9'.repeat(400);
  const cases: Case[] = [
    adr('400-digit days', (d) => (d.intervalPeriod.duration = `P${huge}D`)),
    adr('400-digit hours', (d) => (d.intervalPeriod.duration = `PT${huge}H`)),
    adr('400-digit seconds', (d) => (d.intervalPeriod.duration = `PT${huge}.5S`)),
    adr('273 790 years in days', (d) => (d.intervalPeriod.duration = 'P99999999D')),
    adr('event duration', (d) => (d.duration = `P${huge}W`)),
    adr('interval duration', (d) => Object.assign(d.intervals[0]!, { intervalPeriod: { duration: `PT${huge}M` } })),
    adr('year 9999', (d) => (d.intervalPeriod.start = '9999-12-31T23:00:00Z')),
    { name: 'e.yaml', text: `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [${Array(10).fill('*a').join(', ')}]\nc: [${Array(10).fill('*b').join(', ')}]\n`, why: 'alias bomb' },
    { name: 'e.csv', text: `start,durationHours\n2025-05-03T16:00,${huge}\n`, why: 'huge CSV duration' },
    { name: 'e.csv', text: `start,durationHours\n2025-05-03T16:00${' '.repeat(100_000)}x,1\n`, why: 'a 100 KB start' },
  ];
  for (const c of cases) {
    it(c.why, () => {
      let err: unknown;
      const t0 = performance.now();
      try {
        readAndCheck(c);
      } catch (e) {
        err = e;
      }
      expect(err, String(err)).toBeInstanceOf(InputError);
      expect((err as InputError).code).toBe('EVENT_INVALID');
      expect((err as InputError).message.length).toBeLessThan(400);
      expect(performance.now() - t0).toBeLessThan(1000);
    });
  }

  it('on the command line: --event with a 400-digit duration', async () => {
    for (const spec of [`2025-05-03T16:00/${huge}h`, `2025-05-03T16:00/P${huge}D`, `2025-05-03T16:00/${huge}.5m`]) {
      let err = '';
      const code = await main(['node', 'wattshift', 'dr', PHOENIX, '--event', spec, '--json'], { out: () => {}, err: (t) => (err += t) });
      expect(code, err).toBe(2);
      expect(err).toMatch(/^error \[EVENT_INVALID\]: .*longer than|not an ISO 8601 duration/);
    }
  });
});
