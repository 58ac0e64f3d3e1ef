/**
 * Events: schedule files in each format, the command-line grammar, generation from a
 * grid-stress series (the SRP system load of 3 May 2025), and the checks that refuse events
 * a replay cannot honour. Program resolution refuses commitments above site capacity.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.ts';
import { buildModel, loadScenario, loadScenarioText } from '../pipeline.ts';
import { loadSeries } from '../series/index.ts';
import { calendarOf, type TimeGrid } from '../time/grid.ts';
import { checkEvents, generateEvents, isEventSpec, parseEventSpec, parseEventText, programEvents, readEventFile, type EventContext } from './events.ts';
import { resolveProgram, scenarioPrograms, siteCapacityKW } from './program.ts';
import type { GridEvent, ResolvedProgram } from './types.ts';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const phoenix = buildModel(loadScenario(`${EXAMPLES}phoenix-2025.yaml`));
const { program } = resolveProgram(phoenix);
const ctx: EventContext = { grid: phoenix.grid, direction: 'reduce', siteIds: ['phoenix'], programIds: ['srp-peak-2025'] };
const check = (events: GridEvent[], p: ResolvedProgram = program) => checkEvents(events, { grid: phoenix.grid, program: p, siteIds: ['phoenix'], siteCapacityKW: phoenix.sites.map(siteCapacityKW) });
const at = (hhmm: string) => Date.parse(`2025-05-03T${hhmm}:00-07:00`);

function inputError(fn: () => unknown, pattern: RegExp): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).format()).toMatch(pattern);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('schedule files', () => {
  it('reads the bundled CSV, YAML-style JSON and OpenADR files to the same event', () => {
    const csv = readEventFile(`${EXAMPLES}events/phoenix-2025-05-03.csv`, ctx);
    const adr = readEventFile(`${EXAMPLES}events/phoenix-2025-05-03.openadr.json`, ctx);
    const json = parseEventText(JSON.stringify([{ start: '2025-05-03T16:00', end: '2025-05-03T19:00', targetPercent: 25 }]), 'e.json', ctx);
    const yaml = parseEventText('events:\n  - { start: 2025-05-03T16:00, durationHours: 3, targetPercent: 25, sites: [phoenix] }\n', 'e.yaml', ctx);
    for (const list of [csv, adr, json, yaml]) {
      expect(list).toHaveLength(1);
      expect([list[0]!.startMs, list[0]!.endMs]).toEqual([at('16:00'), at('19:00')]);
      expect(list[0]!.targets[0]).toMatchObject({ kind: 'fraction', value: 0.25 });
    }
    expect(csv[0]!.sites).toEqual(['phoenix']);
    expect(() => check([...csv])).not.toThrow();
  });
  it('names the line and column of a bad CSV cell', () => {
    const e = inputError(() => parseEventText('start,durationHours,targetMW\n2025-05-03T16:00,three,1\n', 'bad.csv', ctx), /durationHours/);
    expect(e.location.line).toBe(2);
    expect(e.location.file).toBe('bad.csv');
    inputError(() => parseEventText('start,when\n2025-05-03T16:00,1\n', 'bad.csv', ctx), /unknown column "when"/);
    inputError(() => parseEventText('start,durationHours,end\n2025-05-03T16:00,1,2025-05-03T17:00\n', 'bad.csv', ctx), /exactly one of "end" or "durationHours"/);
  });
  it('names the JSON path in YAML and JSON files', () => {
    const e = inputError(() => parseEventText('[{"start":"2025-05-03T16:00","durationHours":1},{"start":"later","durationHours":1}]', 'e.json', ctx), /not a valid time/);
    expect(e.location.path).toBe('[1].start');
    inputError(() => parseEventText('events:\n  - { start: 2025-05-03T16:00, durationHours: -1 }\n', 'e.yaml', ctx), /events\[0\]\.durationHours/);
    inputError(() => parseEventText('events: [}', 'e.yaml', ctx), /syntax error/);
  });
});

describe('command-line grammar', () => {
  const cal = calendarOf(phoenix.grid, phoenix.grid.timeZone);
  it('reads START/DURATION and START..END', () => {
    for (const spec of ['2025-05-03T16:00/3h', '2025-05-03T16:00/PT3H', '16:00/180m', '2025-05-03T16:00..19:00', '16:00..2025-05-03T19:00', '2025-05-03T23:00Z/3h']) {
      expect(isEventSpec(spec), spec).toBe(true);
      const e = parseEventSpec(spec, ctx, cal);
      expect([e.startMs, e.endMs], spec).toEqual([at('16:00'), at('19:00')]);
    }
    expect(isEventSpec('events/file.csv')).toBe(false);
  });
  it('refuses what it cannot read', () => {
    inputError(() => parseEventSpec('16:00/3 hours', ctx, cal), /duration/);
    inputError(() => parseEventSpec('16:00..15:00', ctx, cal), /ends before/);
    inputError(() => parseEventSpec('tomorrow/3h', ctx, cal), /not a valid time/);
  });
});

describe('checks', () => {
  const ev = (from: string, to: string, extra: Partial<GridEvent> = {}): GridEvent => ({ id: `e-${from}`, direction: 'reduce', startMs: at(from), endMs: at(to), targets: [], source: 't', path: 'events[0]', ...extra });
  it('refuses overlapping events', () => inputError(() => check([ev('16:00', '18:00'), ev('17:00', '18:00')]), /overlap/));
  it('refuses windows outside the horizon', () => inputError(() => check([ev('20:00', '22:00')]), /outside the horizon/));
  it('refuses starts off the meter grid', () => inputError(() => check([ev('16:05', '17:05')]), /not on the 15-minute meter grid/));
  it('refuses events longer than the program allows', () => inputError(() => check([ev('15:00', '19:30')]), /calls events of 0.25 to 4 h/));
  it('refuses short notice', () => inputError(() => check([ev('16:00', '17:00', { issuedMs: at('15:30') })], { ...program, noticeHours: 1 }), /notified 0.50 h before/));
  it('refuses targets above the fleet\'s capacity', () => inputError(() => check([ev('16:00', '17:00', { targets: [{ startMs: at('16:00'), endMs: at('17:00'), kind: 'kw', value: 5000 }] })]), /above the .* MW the called sites can draw/));
  it('refuses sites not enrolled', () => inputError(() => check([ev('16:00', '17:00', { sites: ['tempe'] })]), /not enrolled/));
  it('refuses events outside the program window', () => inputError(() => check([ev('16:00', '17:00')], { ...program, window: { fromMinute: 17 * 60, toMinute: 21 * 60, days: 'all' } }), /outside the program window 17:00–21:00/));
});

describe('generation from a grid-stress series', () => {
  // SRP actual load, 3 May 2025 (GW, hour ending): HE15 4.627, HE16 4.825, HE17 4.961,
  // HE18 4.965, HE19 4.778, HE20 4.606, HE21 4.399, HE22 4.175.
  const grid: TimeGrid = { startMs: Date.parse('2025-05-03T00:00:00-07:00'), stepMinutes: 60, steps: 24, timeZone: 'America/Phoenix' };
  const load = loadSeries({ file: 'events/srp-2025-05-03-load.csv', format: 'csv', valueColumn: 'srp_load_GW', unit: 'GW' }, { baseDir: EXAMPLES, grid, quantity: 'power', name: 'load', defaultTimeZone: grid.timeZone }).values;
  const p: ResolvedProgram = { ...program, measurementIntervalMinutes: 60, window: { fromMinute: 14 * 60, toMinute: 22 * 60, days: 'all' } };
  const cal = calendarOf(grid, grid.timeZone);
  it('puts the top 3-hour block at HE16–HE18 (15:00–18:00, mean 4.917 GW)', () => {
    const { events } = generateEvents(load, grid, cal, p, { count: 1, per: 'hour', durationHours: 3, minGapHours: 0 }, 'srp', 'gen');
    expect(events.map((e) => new Date(e.startMs).toISOString())).toEqual(['2025-05-03T22:00:00.000Z']);
    expect(events[0]!.source).toMatch(/score 4917000\.000/);
  });
  it('keeps generated events apart and notes when fewer fit', () => {
    // next best block not overlapping 15–18 is 18–21 (4.594); with a 1-hour gap it is 19–22 (4.393)
    const two = generateEvents(load, grid, cal, p, { count: 2, per: 'hour', durationHours: 3, minGapHours: 0 }, 'srp', 'gen').events;
    expect(two.map((e) => (new Date(e.startMs).getUTCHours() + 17) % 24)).toEqual([15, 18]);
    const gap = generateEvents(load, grid, cal, p, { count: 2, per: 'hour', durationHours: 3, minGapHours: 1 }, 'srp', 'gen').events;
    expect(gap.map((e) => (new Date(e.startMs).getUTCHours() + 17) % 24)).toEqual([15, 19]);
    const many = generateEvents(load, grid, cal, p, { count: 5, per: 'day', durationHours: 3, minGapHours: 0 }, 'srp', 'gen');
    expect(many.events).toHaveLength(1);
    expect(many.notes[0]).toMatch(/only 1 of the 5/);
  });
  it('respects notice: nothing starts before the horizon start plus the notice', () => {
    const late = generateEvents(load, grid, cal, { ...p, noticeHours: 17 }, { count: 1, per: 'hour', durationHours: 3, minGapHours: 0 }, 'srp', 'gen').events;
    expect((new Date(late[0]!.startMs).getUTCHours() + 17) % 24).toBe(17);
    expect(late[0]!.issuedMs).toBe(late[0]!.startMs - 17 * 3600_000);
  });
});

describe('program resolution', () => {
  const scenario = (programs: string) => `
name: t
horizon: { start: 2024-07-01T00:00, hours: 48, timeZone: UTC }
sites:
  - { id: a, latitude: 30, longitude: 110, grid: { importLimitMW: 2 }, it: [{ accelerator: A100, gpus: 1024 }], facility: { cooling: { archetype: air } }, tariff: { energy: { type: flat, pricePerMWh: 80 } } }
gridPrograms:
  programs:
${programs}`;
  it('refuses a site commitment above the site\'s capacity', () => {
    const m = buildModel(loadScenarioText(scenario('    - { id: p, siteCommitmentsMW: { a: 3 } }'), EXAMPLES));
    const e = inputError(() => resolveProgram(m), /commitment of site "a" is 3 MW, above its capacity of [\d.]+ MW/);
    expect(e.location.path).toBe('gridPrograms.programs[0].siteCommitmentsMW.a');
  });
  it('refuses a fleet commitment above the sites\' capacity', () => {
    const m = buildModel(loadScenarioText(scenario('    - { id: p, commitmentMW: 50 }'), EXAMPLES));
    inputError(() => resolveProgram(m), /fleet commitment is 50 MW/);
  });
  it('refuses unknown sites, unknown programs and unknown baselines', () => {
    const m = buildModel(loadScenarioText(scenario('    - { id: p, sites: [b] }'), EXAMPLES));
    inputError(() => resolveProgram(m), /site "b" does not exist/);
    const ok = buildModel(loadScenarioText(scenario('    - { id: p }'), EXAMPLES));
    inputError(() => resolveProgram(ok, { id: 'q' }), /unknown program "q"/);
    inputError(() => resolveProgram(ok, { baseline: 'guess' }), /unknown baseline method/);
  });
  it('reads the scenario\'s schedule and generator', () => {
    const m = buildModel(loadScenarioText(scenario(`    - id: p
      measurementIntervalMinutes: 60
      window: { from: '12:00', to: '18:00' }
      events:
        schedule: [{ start: 2024-07-01T13:00, durationHours: 2, targetMW: 0.1 }]
        generate: { signal: price, count: 1, durationHours: 2, per: day }`), EXAMPLES));
    const r = resolveProgram(m);
    const { events } = programEvents(m, r.program, scenarioPrograms(m)[0]);
    expect(events.length).toBe(2);
    expect(events.find((e) => e.source.includes('schedule'))!.targets[0]).toMatchObject({ kind: 'kw', value: 100 });
    const generated = events.find((e) => e.source.startsWith('generated'))!;
    // generated events are issued exactly the program's notice ahead of their start
    expect(generated.issuedMs).toBe(generated.startMs - r.program.noticeHours * 3_600_000);
  });
});
