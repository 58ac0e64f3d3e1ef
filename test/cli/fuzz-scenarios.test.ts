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
import { at, base, fuzzCase, HOURS, mutation, priceCsv, PRICE_CSV, type Mutation, type Obj } from '../helpers/fuzz-scenarios.ts';

const dir = mkdtempSync(join(tmpdir(), 'wattshift-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(join(dir, 'price.csv'), PRICE_CSV);

/** Scenario files already written, by content: the same malformed input is written (and validated) once. */
const written = new Map<string, string>();

/** Writes a generated case into the folder; returns the scenario's path ('' when the case is valid). */
function write(m: Mutation): string {
  const c = fuzzCase(m);
  if (!c) return '';
  const seen = written.get(c.text);
  if (seen) return seen;
  for (const [name, text] of Object.entries(c.files)) if (name !== 'price.csv') writeFileSync(join(dir, name), text);
  const file = join(dir, c.name);
  writeFileSync(file, c.text);
  written.set(c.text, file);
  return file;
}

let counter = 0;

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
  const out = join(dir, `hostile${counter++}.yaml`);
  writeFileSync(out, stringify(s));
  return out;
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
