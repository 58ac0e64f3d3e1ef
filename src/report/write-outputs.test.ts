import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeOutputs } from './index.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'wattshift-out-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Every file under `dir`, relative, sorted. */
async function listing(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)))
    .sort();
}

describe('writeOutputs', () => {
  it('creates the directory and writes strings, iterables and async iterables', async () => {
    const dir = path.join(root, 'a', 'b');
    async function* chunks() {
      yield 'x,';
      yield 'y\n';
    }
    const big = Array.from({ length: 3000 }, (_, i) => `${i},${'z'.repeat(500)}\n`);
    await writeOutputs(dir, [
      { name: 'summary.json', content: '{"ok":true}\n' },
      { name: 'ledger.csv', content: big },
      { name: 'sub/async.csv', content: chunks() },
    ]);
    expect(await listing(dir)).toEqual(['ledger.csv', path.join('sub', 'async.csv'), 'summary.json'].sort());
    expect(await readFile(path.join(dir, 'summary.json'), 'utf8')).toBe('{"ok":true}\n');
    // larger than the flush size: written in several pieces, in order
    expect(await readFile(path.join(dir, 'ledger.csv'), 'utf8')).toBe(big.join(''));
    expect(await readFile(path.join(dir, 'sub', 'async.csv'), 'utf8')).toBe('x,y\n');
  });

  it('leaves nothing half-written and no temp files when a content iterator throws midway', async () => {
    await writeFile(path.join(root, 'ledger.csv'), 'old ledger\n');
    function* failing() {
      yield 'site,time_utc\n';
      yield 'a,2023-01-01T00:00:00Z\n';
      throw new Error('disk on fire');
    }
    await expect(
      writeOutputs(root, [
        { name: 'summary.json', content: '{}' },
        { name: 'ledger.csv', content: failing() },
        { name: 'report.html', content: '<!DOCTYPE html>' },
      ]),
    ).rejects.toThrow('disk on fire');
    // the file written before the failure was not moved into place, the old ledger is intact
    expect(await listing(root)).toEqual(['ledger.csv']);
    expect(await readFile(path.join(root, 'ledger.csv'), 'utf8')).toBe('old ledger\n');
  });

  it('replaces existing files only when all new ones are complete', async () => {
    await writeFile(path.join(root, 'summary.json'), 'old');
    await writeOutputs(root, [{ name: 'summary.json', content: 'new' }]);
    expect(await readFile(path.join(root, 'summary.json'), 'utf8')).toBe('new');
    expect(await listing(root)).toEqual(['summary.json']);
  });

  it('refuses names outside the directory and duplicate names before writing anything', async () => {
    await expect(writeOutputs(root, [{ name: '../escape.txt', content: 'x' }])).rejects.toThrow(/inside the output directory/);
    await expect(writeOutputs(root, [{ name: path.join(root, 'abs.txt'), content: 'x' }])).rejects.toThrow(/relative path/);
    await expect(writeOutputs(root, [{ name: 'a.txt', content: 'x' }, { name: './a.txt', content: 'y' }])).rejects.toThrow(/same name/);
    expect(await listing(root)).toEqual([]);
  });
});
