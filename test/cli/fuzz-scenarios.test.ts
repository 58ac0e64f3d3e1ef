/**
 * Fuzzed bad input: thousands of malformed scenarios and series files, each of which must end
 * in exit code 2 with a message (never an internal error, never a stack trace).
 */
import fc from 'fast-check';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runInProcess } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'wattshift-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOURS = 48;
function priceCsv(rows: number, mutate?: (lines: string[]) => void): string {
  const lines = ['time,price'];
  for (let i = 0; i < rows; i++) lines.push(`${new Date(Date.UTC(2023, 0, 1, i)).toISOString().replace('.000Z', 'Z')},${(30 + (i % 24)).toFixed(2)}`);
  mutate?.(lines);
  return `${lines.join('\n')}\n`;
}
writeFileSync(join(dir, 'price.csv'), priceCsv(HOURS));

/** A valid base scenario (constant series and one small CSV). */
function base(): Record<string, unknown> {
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

type Obj = Record<string, unknown>;
const at = (o: Obj, path: Array<string | number>): Obj => path.reduce<Obj>((x, k) => x[k] as Obj, o);
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

const mutation = fc.oneof(
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
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

/** Files already written, by content: the same malformed input is written (and validated) once. */
const written = new Map<string, string>();
function writeOnce(prefix: string, ext: string, text: string): string {
  let file = written.get(`${ext}\u0000${text}`);
  if (!file) {
    file = join(dir, `${prefix}${written.size}.${ext}`);
    writeFileSync(file, text);
    written.set(`${ext}\u0000${text}`, file);
  }
  return file;
}

/** Applies one mutation and returns the path of the file to validate. */
function write(m: Mutation): string {
  const s = base();
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
      if (['UTC', 'utc', 'Etc/UTC', 'GMT', 'Z'].includes(m.tz) || /^[A-Za-z_]+\/[A-Za-z_]+$/.test(m.tz) && !m.tz.includes('Nowhere') && !m.tz.includes('Mars')) return '';
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
      const csv = writeOnce('bad', 'csv', variants[m.variant % variants.length]!());
      (at(s, ['sites', 0, 'series', 'price']) as Obj).file = csv.slice(dir.length + 1);
      break;
    }
    case 'syntax': {
      const text = stringify(s);
      const cut = 10 + (m.cut % (text.length - 10));
      return writeOnce('s', 'yaml', `${text.slice(0, cut)}\n${m.insert}\n${text.slice(cut)}`.replace(/^name: fuzz$/m, 'name: [fuzz'));
    }
  }
  return writeOnce('s', 'yaml', stringify(s));
}

describe('fuzzed bad scenarios and series files', () => {
  it('the base scenario is valid', async () => {
    const file = join(dir, 'base.yaml');
    writeFileSync(file, stringify(base()));
    const r = await runInProcess(['validate', file]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it('every one of 1,200 malformed inputs ends in exit code 2 with a located message', async () => {
    let checked = 0;
    // validation is deterministic: a file generated again is not validated again (about 1 in 3 is new)
    const results = new Map<string, Promise<{ code: number; out: string; err: string }>>();
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const file = write(m);
        if (!file) return; // the generated zone happened to be valid
        let run = results.get(file);
        if (!run) results.set(file, (run = runInProcess(['validate', file])));
        const r = await run;
        expect(r.err, `mutation ${JSON.stringify(m)}`).not.toContain('internal error');
        expect(r.code, `mutation ${JSON.stringify(m)}: ${r.err}`).toBe(2);
        expect(r.err).toMatch(/^error \[[A-Z_]+\]: /);
        expect(r.err).toMatch(/\.(yaml|csv)\b/); // the file at fault is named
        expect(r.err).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack trace
        checked++;
      }),
      { numRuns: 1200, seed: 20261128 },
    );
    expect(checked).toBeGreaterThanOrEqual(1000);
    expect(results.size).toBeGreaterThan(300);
  }, 120_000);
});

/** Runs `validate` (or another command) and expects a located input error without a stack trace. */
async function expectBadInput(args: string[], message: RegExp): Promise<string> {
  const r = await runInProcess(args);
  expect(r.err, args.join(' ')).not.toContain('internal error');
  expect(r.code, r.err).toBe(2);
  expect(r.err).toMatch(/^error \[[A-Z_]+\]: /);
  expect(r.err).toMatch(message);
  expect(r.err).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
  return r.err;
}

/** Writes the base scenario with its price series pointing at `file`; returns the scenario path. */
function withPriceFile(file: string, format: 'csv' | 'market-prices' = 'csv'): string {
  const s = base();
  const price = at(s, ['sites', 0, 'series', 'price']);
  price.file = file;
  if (format !== 'csv') {
    price.format = format;
    for (const k of ['timeColumn', 'valueColumn', 'unit']) delete price[k];
  }
  return writeOnce('hostile', 'yaml', stringify(s));
}

describe('hostile inputs end in exit code 2 quickly, without hanging or a stack trace', () => {
  it('a YAML alias bomb', async () => {
    let text = 'a: &a [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 9; i++) text += `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]\n`;
    const file = join(dir, 'alias-bomb.yaml');
    writeFileSync(file, text);
    await expectBadInput(['validate', file], /alias-bomb\.yaml.*aliases/);
  });

  it('series files that are devices or never end: /dev/zero, /dev/urandom', async () => {
    for (const dev of ['/dev/zero', '/dev/urandom']) {
      await expectBadInput(['validate', withPriceFile(dev)], new RegExp(`series file "${dev}" is a character device; only regular files are read`));
    }
  });

  it.skipIf(spawnSync('mkfifo', ['--version']).status !== 0)('a series file that is a FIFO with a writer that never closes', async () => {
    const fifo = join(dir, 'prices.fifo');
    spawnSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `cat /dev/zero > '${fifo}'`], { stdio: 'ignore' });
    try {
      await expectBadInput(['validate', withPriceFile('prices.fifo')], /named pipe \(FIFO\)/);
    } finally {
      writer.kill('SIGKILL');
    }
  });

  it.skipIf(process.platform !== 'linux')('/proc/self/environ is refused and nothing of it is echoed', async () => {
    process.env.WATTSHIFT_FUZZ_SECRET = 'do-not-print-me';
    try {
      for (const format of ['csv', 'market-prices'] as const) {
        const err = await expectBadInput(['validate', withPriceFile('/proc/self/environ', format)], /proc file system, not a data file/);
        expect(err).not.toMatch(/PATH=|HOME=|do-not-print-me/);
      }
    } finally {
      delete process.env.WATTSHIFT_FUZZ_SECRET;
    }
  });

  it('a binary file in a CSV slot: no line of it is quoted', async () => {
    writeFileSync(join(dir, 'binary.csv'), `SECRET_TOKEN=abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\u0000HOME=/root\u0000\n`);
    for (const format of ['csv', 'market-prices'] as const) {
      const err = await expectBadInput(['validate', withPriceFile('binary.csv', format)], /not a header row/);
      expect(err).not.toContain('SECRET_TOKEN');
    }
  });

  it('a series cell of 1e308 or 1e20 is refused with its line (it used to come out as NaN, printed as 0)', async () => {
    for (const v of ['1e308', '-1e308', '1e20']) {
      writeFileSync(join(dir, 'absurd.csv'), priceCsv(HOURS, (l) => (l[7] = `${l[7]!.split(',')[0]},${v}`)));
      await expectBadInput(['validate', withPriceFile('absurd.csv')], /absurd\.csv:8 \(at sites\[0\]\.series\.price\): value .* is outside the physical range of price, -1000000 to 1000000/);
    }
  });

  it('a gzip bomb and a CSV above the input cap (WATTSHIFT_MAX_INPUT_MB)', async () => {
    writeFileSync(join(dir, 'bomb.csv.gz'), gzipSync(Buffer.alloc(48 << 20, 0x20), { level: 9 }));
    writeFileSync(join(dir, 'large.csv'), priceCsv(HOURS) + '#'.repeat(3 << 20));
    process.env.WATTSHIFT_MAX_INPUT_MB = '2';
    try {
      await expectBadInput(['validate', withPriceFile('bomb.csv.gz')], /expands to more than 2\.0 MB when decompressed; the limit is 2\.0 MB; set WATTSHIFT_MAX_INPUT_MB/);
      await expectBadInput(['validate', withPriceFile('large.csv')], /is 3\.0 MB; the limit is 2\.0 MB/);
    } finally {
      delete process.env.WATTSHIFT_MAX_INPUT_MB;
    }
  });
});

describe('user paths cannot reach Object.prototype', () => {
  it('finance --sweep with __proto__, constructor or prototype is bad input and pollutes nothing', async () => {
    const file = join(dir, 'sweep.yaml');
    writeFileSync(file, stringify(base()));
    for (const spec of ['finance.__proto__.x=1,2', 'finance.constructor.prototype.polluted=1', 'storage.__proto__.y=2']) {
      await expectBadInput(['finance', file, '--sweep', spec, '--workers', '0'], /--sweep: .*is not a scenario field or site/);
    }
    expect(Object.prototype).not.toHaveProperty('x');
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

describe('runs too large to start are refused up front with their size and the limit', () => {
  it('a scenario file above the scenario cap, 500 000 workloads, a decade-long or 9 999-year horizon, too many ledger cells', async () => {
    const big = join(dir, 'big-scenario.json');
    const s = base();
    s.workloads = Array.from({ length: 30_000 }, (_, i) => ({ ...at(s, ['workloads', 1]), id: `j${i}` }));
    writeFileSync(big, JSON.stringify(s));
    process.env.WATTSHIFT_MAX_SCENARIO_MB = '1';
    try {
      await expectBadInput(['validate', big], /error \[PROBLEM_TOO_LARGE\]: .*scenario file ".*big-scenario\.json" is \d+(\.\d)? MB; the limit is 1\.0 MB; set WATTSHIFT_MAX_SCENARIO_MB/);
    } finally {
      delete process.env.WATTSHIFT_MAX_SCENARIO_MB;
    }
    const many = base();
    many.workloads = Array.from({ length: 100_001 }, () => 0);
    writeFileSync(big, JSON.stringify(many));
    await expectBadInput(['validate', big], /100,001 workloads; at most 100,000/);
    const long = base();
    (long.horizon as Obj).hours = undefined;
    (long.horizon as Obj).end = '9999-01-01T00:00Z';
    writeFileSync(big, JSON.stringify(long));
    await expectBadInput(['validate', big], /at most 43,920 hours \(five years\)/);
    const cells = base();
    cells.horizon = { start: '2023-01-01T00:00Z', hours: 43_920, stepMinutes: 15, timeZone: 'UTC' };
    cells.workloads = Array.from({ length: 120 }, (_, i) => ({ ...at(s, ['workloads', 1]), id: `j${i}` }));
    writeFileSync(big, JSON.stringify(cells));
    const t0 = performance.now();
    await expectBadInput(['validate', big], /175,680 steps × \(1 site \+ 120 workload placements\) = 21,257,280 ledger cells/);
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});
