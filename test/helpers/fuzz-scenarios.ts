/**
 * Generated bad scenarios and series files: a valid base scenario (48 h, one site) and a
 * fast-check arbitrary of mutations, each of which must be refused with a located input error.
 * The CLI's fuzz test runs them through `wattshift validate`, the API's through uploads and runs.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { stringify } from 'yaml';

/** Hours of the base scenario's horizon. */
export const HOURS = 48;
export function priceCsv(rows: number, mutate?: (lines: string[]) => void): string {
  const lines = ['time,price'];
  for (let i = 0; i < rows; i++) lines.push(`${new Date(Date.UTC(2023, 0, 1, i)).toISOString().replace('.000Z', 'Z')},${(30 + (i % 24)).toFixed(2)}`);
  mutate?.(lines);
  return `${lines.join('\n')}\n`;
}

/** The base scenario's price.csv. */
export const PRICE_CSV = priceCsv(HOURS);

/** A valid base scenario (constant series and one small CSV, price.csv). */
export function base(): Record<string, unknown> {
  return {
    name: 'fuzz',
    currency: 'USD',
    horizon: { start: '2023-01-01T00:00Z', hours: HOURS, stepMinutes: 60, timeZone: 'UTC' },
    sites: [
      {
        id: 'a',
        latitude: 30,
        longitude: -97,
        grid: { importLimitMW: 20, exportLimitMW: 5 },
        it: [{ accelerator: 'H100', gpus: 2000 }],
        facility: { cooling: { archetype: 'air' } },
        renewables: [{ id: 'pv', type: 'solar', capacityMW: 5, capacityFactor: { constant: 0.2 } }],
        storage: { energyMWh: 10, powerMW: 5 },
        tariff: { energy: { type: 'spot', adderPerMWh: 5 }, export: { type: 'spot' } },
        series: { price: { file: 'price.csv', format: 'csv', timeColumn: 'time', valueColumn: 'price', unit: 'USD/MWh' }, carbonIntensity: { constant: 300 } },
      },
    ],
    workloads: [
      { id: 'chat', type: 'inference', accelerator: 'H100', sites: ['a'], demandTokensPerSecond: { constant: 1e6 } },
      { id: 'job', type: 'training', accelerator: 'H100', sites: ['a'], workGpuHours: 20000, gpus: { max: 1000 }, release: '2023-01-01T06:00Z', deadline: '2023-01-02T20:00Z' },
    ],
  };
}

export type Obj = Record<string, unknown>;
export const at = (o: Obj, path: Array<string | number>): Obj => path.reduce<Obj>((x, k) => x[k] as Obj, o);
function set(o: Obj, path: Array<string | number>, value: unknown): void {
  at(o, path.slice(0, -1))[path[path.length - 1] as string] = value;
}
function del(o: Obj, path: Array<string | number>): void {
  delete at(o, path.slice(0, -1))[path[path.length - 1] as string];
}

/** Magnitudes that once passed the schema and came out of the pipeline as NaN or a silent 0. */
const ABSURD = [1e308, -1e308, Number.NaN, Number.POSITIVE_INFINITY, 1e20];
const NUMERIC: Array<[Array<string | number>, unknown[]]> = [
  [['sites', 0, 'grid', 'importLimitMW'], [-1, 0, 'ten', null, [], {}, ...ABSURD]],
  [['sites', 0, 'grid', 'exportLimitMW'], [-1, ...ABSURD]],
  [['sites', 0, 'tariff', 'energy', 'adderPerMWh'], ABSURD],
  [['sites', 0, 'renewables', 0, 'pricePerMWh'], ABSURD],
  [['sites', 0, 'storage', 'degradationCostPerMWh'], [-1, ...ABSURD]],
  [['sites', 0, 'storage', 'powerMW'], [-1, ...ABSURD]],
  [['sites', 0, 'facility', 'fixedOverheadKW'], [-1, ...ABSURD]],
  [['sites', 0, 'series', 'carbonIntensity', 'constant'], ABSURD],
  [['workloads', 0, 'demandTokensPerSecond', 'constant'], ABSURD],
  [['workloads', 0, 'unservedPenaltyPerMillionTokens'], [-1, ...ABSURD]],
  [['workloads', 1, 'unfinishedPenaltyPerGpuHour'], [-1, ...ABSURD]],
  [['sites', 0, 'it', 0, 'gpus'], [0, -8, 1.5, '8', null]],
  [['sites', 0, 'latitude'], [91, -200, 'north', null]],
  [['sites', 0, 'renewables', 0, 'capacityMW'], [-5, 'big', null, ...ABSURD]],
  [['sites', 0, 'storage', 'energyMWh'], [-1, 'x', null, ...ABSURD]],
  [['sites', 0, 'storage', 'chargeEfficiency'], [0, 1.5, -0.1]],
  [['workloads', 1, 'workGpuHours'], [0, -10, 'lots', null, ...ABSURD]],
  [['workloads', 1, 'gpus', 'max'], [0, -1, 2.5, 999999]],
  [['horizon', 'stepMinutes'], [7, 0, 45, '60']],
  [['horizon', 'hours'], [0, -1, 'day']],
  [['workloads', 0, 'maxUtilisation'], [0, 2, -1]],
  [['sites', 0, 'facility', 'cooling', 'designPUE'], [0.9, 5, 'low', 1.0001]],
];
const REQUIRED: Array<Array<string | number>> = [
  ['name'], ['horizon'], ['horizon', 'start'], ['sites'], ['sites', 0, 'id'], ['sites', 0, 'grid'], ['sites', 0, 'it'],
  ['sites', 0, 'latitude'], ['sites', 0, 'facility'], ['sites', 0, 'facility', 'cooling', 'archetype'], ['workloads', 0, 'type'],
  ['workloads', 0, 'accelerator'], ['workloads', 1, 'workGpuHours'], ['workloads', 1, 'gpus'], ['sites', 0, 'series', 'price'],
];
const REFERENCES: Array<[Array<string | number>, unknown]> = [
  [['workloads', 0, 'sites'], ['nowhere']],
  [['workloads', 1, 'accelerator'], 'Z9000'],
  [['sites', 0, 'it', 0, 'accelerator'], 'Z9000'],
  [['sites', 0, 'series', 'price', 'file'], 'missing.csv'],
  [['workloads', 1, 'curve'], 'no-such-curve'],
  [['workloads', 0, 'arrivalShares'], { b: 1 }],
];

/** One way to break the base scenario or its series. */
export const mutation = fc.oneof(
  fc.record({ kind: fc.constant('numeric' as const), i: fc.nat(), j: fc.nat() }),
  fc.record({ kind: fc.constant('delete' as const), i: fc.nat() }),
  fc.record({ kind: fc.constant('reference' as const), i: fc.nat() }),
  fc.record({ kind: fc.constant('timezone' as const), tz: fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('Mars/Base', 'UTC+25', 'Europe/Nowhere', 'america/chicago ')), site: fc.boolean() }),
  fc.record({ kind: fc.constant('time' as const), text: fc.oneof(fc.string({ maxLength: 16 }), fc.constantFrom('2023-13-01T00:00', '2023-02-30', 'yesterday', '2023-01-01T25:00', '')), field: fc.constantFrom('start', 'release', 'deadline') }),
  fc.record({ kind: fc.constant('order' as const) }),
  fc.record({ kind: fc.constant('typo' as const), key: fc.constantFrom('importLimitMw', 'gpu', 'archtype', 'socMax', 'timezone', 'wokloads'), where: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), what: fc.constantFrom('site', 'workload', 'renewable') }),
  fc.record({ kind: fc.constant('shape' as const), i: fc.nat(), value: fc.constantFrom<unknown>(42, 'text', [], [1, 2], true, null) }),
  fc.record({ kind: fc.constant('series' as const), variant: fc.nat({ max: 6 }), line: fc.nat(), junk: fc.constantFrom('abc', '1,2', '--', '1e', 'O.5') }),
  fc.record({ kind: fc.constant('syntax' as const), cut: fc.nat(), insert: fc.constantFrom(': : :', '\t- x', '{', ']', '"unterminated', '- a: [1,\n', '!!binary zz', 'key: value: other') }),
);
export type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

let counter = 0;

/** A generated bad input: the scenario's name and text, and the series files beside it (always price.csv). */
export interface FuzzCase {
  name: string;
  text: string;
  files: Record<string, string>;
}

/** Applies one mutation; null when the result happens to be valid (a real time zone was generated). */
export function fuzzCase(m: Mutation): FuzzCase | null {
  const s = base();
  const name = `s${counter++}.yaml`;
  const files: Record<string, string> = { 'price.csv': PRICE_CSV };
  const site = at(s, ['sites', 0]);
  switch (m.kind) {
    case 'numeric': {
      const [path, values] = NUMERIC[m.i % NUMERIC.length]!;
      set(s, path, values[m.j % values.length]);
      break;
    }
    case 'delete':
      del(s, REQUIRED[m.i % REQUIRED.length]!);
      break;
    case 'reference': {
      const [path, value] = REFERENCES[m.i % REFERENCES.length]!;
      set(s, path, value);
      break;
    }
    case 'timezone':
      if (m.site) site.timeZone = m.tz;
      else (s.horizon as Obj).timeZone = m.tz;
      if (['UTC', 'utc', 'Etc/UTC', 'GMT', 'Z'].includes(m.tz) || /^[A-Za-z_]+\/[A-Za-z_]+$/.test(m.tz) && !m.tz.includes('Nowhere') && !m.tz.includes('Mars')) return null;
      break;
    case 'time':
      if (m.field === 'start') (s.horizon as Obj).start = m.text;
      else (at(s, ['workloads', 1]) as Obj)[m.field] = m.text;
      break;
    case 'order':
      Object.assign(at(s, ['workloads', 1]), { release: '2023-01-02T00:00Z', deadline: '2023-01-01T12:00Z' });
      break;
    case 'typo': {
      const targets = [s, s.horizon, site, site.grid, site.storage, at(s, ['workloads', 1])] as Obj[];
      targets[m.where % targets.length]![m.key] = 1;
      break;
    }
    case 'duplicate':
      if (m.what === 'site') (s.sites as Obj[]).push({ ...site });
      else if (m.what === 'workload') (s.workloads as Obj[]).push({ ...at(s, ['workloads', 1]) });
      else (site.renewables as Obj[]).push({ ...(site.renewables as Obj[])[0] });
      break;
    case 'shape': {
      const paths: Array<Array<string | number>> = [['horizon'], ['sites', 0, 'grid'], ['sites', 0, 'facility'], ['sites', 0, 'tariff'], ['sites', 0, 'tariff', 'energy'], ['workloads', 0, 'demandTokensPerSecond'], ['sites', 0, 'series', 'price'], ['sites', 0, 'it']];
      set(s, paths[m.i % paths.length]!, m.value);
      break;
    }
    case 'series': {
      const variants: Array<() => string> = [
        () => priceCsv(HOURS, (l) => (l[1 + (m.line % HOURS)] = `${l[1 + (m.line % HOURS)]!.split(',')[0]},${m.junk}`)),
        () => priceCsv(HOURS, (l) => (l[1 + (m.line % HOURS)] = `not-a-time,${m.line}`)),
        () => '',
        () => 'time,price\n',
        () => priceCsv(HOURS, (l) => (l[0] = 'time,cost')),
        () => priceCsv(HOURS, (l) => l.splice(1, HOURS)), // no data in the horizon
        () => priceCsv(HOURS, (l) => {
          (at(s, ['sites', 0, 'series', 'price']) as Obj).maxGapHours = 2;
          l.splice(5, 10); // a 10-hour gap
        }),
      ];
      const content = variants[m.variant % variants.length]!();
      // named by content, so the same bad series gives the same scenario text
      const csv = `bad-${createHash('sha256').update(content).digest('hex').slice(0, 12)}.csv`;
      files[csv] = content;
      (at(s, ['sites', 0, 'series', 'price']) as Obj).file = csv;
      break;
    }
    case 'syntax': {
      const text = stringify(s);
      const cut = 10 + (m.cut % (text.length - 10));
      return { name, text: `${text.slice(0, cut)}\n${m.insert}\n${text.slice(cut)}`.replace(/^name: fuzz$/m, 'name: [fuzz'), files };
    }
  }
  return { name, text: stringify(s), files };
}

