import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.ts';
import { writeOutputs } from './index.ts';
import { OUTPUT_MARKER } from './write-outputs.ts';

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
    expect(await listing(dir)).toEqual([OUTPUT_MARKER, 'ledger.csv', path.join('sub', 'async.csv'), 'summary.json'].sort());
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
    expect(await listing(root)).toEqual([OUTPUT_MARKER, 'summary.json']);
  });

  it('refuses names outside the directory and duplicate names before writing anything', async () => {
    await expect(writeOutputs(root, [{ name: '../escape.txt', content: 'x' }])).rejects.toThrow(/inside the output directory/);
    await expect(writeOutputs(root, [{ name: path.join(root, 'abs.txt'), content: 'x' }])).rejects.toThrow(/relative path/);
    await expect(writeOutputs(root, [{ name: 'a.txt', content: 'x' }, { name: './a.txt', content: 'y' }])).rejects.toThrow(/same name/);
    expect(await listing(root)).toEqual([]);
  });
});

async function refused(p: Promise<unknown>): Promise<InputError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(InputError);
  expect((e as InputError).code).toBe('OUTPUT_UNWRITABLE');
  return e as InputError;
}

describe('writeOutputs: one folder, one run', () => {
  it('swaps the whole folder: files of an earlier run that this run does not write are gone, none are mixed', async () => {
    const out = path.join(root, 'run');
    await writeOutputs(out, [{ name: 'a.csv', content: 'a1' }, { name: 'b.csv', content: 'b1' }]);
    await writeOutputs(out, [{ name: 'a.csv', content: 'a2' }]);
    expect(await listing(out)).toEqual([OUTPUT_MARKER, 'a.csv']);
    expect(await readFile(path.join(out, 'a.csv'), 'utf8')).toBe('a2');
    expect((await readdir(root)).sort()).toEqual(['run']); // no temporary folder left
  });

  it('keeps every previous file when the new run fails after writing some of its files', async () => {
    const out = path.join(root, 'run');
    await writeOutputs(out, [{ name: 'a.csv', content: 'a1' }, { name: 'b.csv', content: 'b1' }]);
    function* failing() {
      yield 'b2 part';
      throw new Error('generator failed');
    }
    await expect(writeOutputs(out, [{ name: 'a.csv', content: 'a2' }, { name: 'b.csv', content: failing() }])).rejects.toThrow('generator failed');
    expect(await readFile(path.join(out, 'a.csv'), 'utf8')).toBe('a1');
    expect(await readFile(path.join(out, 'b.csv'), 'utf8')).toBe('b1');
    expect((await readdir(root)).sort()).toEqual(['run']);
  });

  it('two runs into one folder at the same time: the folder holds one run\'s files, complete', async () => {
    const out = path.join(root, 'run');
    async function* slow(text: string) {
      for (let i = 0; i < 20; i++) {
        await new Promise((r) => setTimeout(r, 1));
        yield `${text}${i},`;
      }
    }
    const files = (k: string) => ['a', 'b', 'c'].map((n) => ({ name: `${n}.csv`, content: slow(k) }));
    await Promise.all([writeOutputs(out, files('one')), writeOutputs(out, files('two'))]);
    const texts = await Promise.all(['a', 'b', 'c'].map((n) => readFile(path.join(out, `${n}.csv`), 'utf8')));
    expect(new Set(texts.map((t) => t.slice(0, 3))).size).toBe(1);
    for (const t of texts) expect(t.endsWith('19,')).toBe(true);
    expect((await readdir(root)).sort()).toEqual(['run']);
  });

  it('removes temporary folders a killed run left behind, and puts back outputs it had moved aside', async () => {
    const out = path.join(root, 'run');
    const dead = 2 ** 22 + 12345; // above Linux's default pid_max: no such process
    await mkdir(path.join(root, `.run.wattshift-${dead}-abcd.tmp`));
    await writeFile(path.join(root, `.run.wattshift-${dead}-abcd.tmp`, 'half.csv'), 'x');
    await writeOutputs(out, [{ name: 'a.csv', content: 'a1' }]);
    expect((await readdir(root)).sort()).toEqual(['run']);
    // a run killed between its two renames: the destination is missing, the old folder aside
    await rm(out, { recursive: true });
    await mkdir(path.join(root, `.run.wattshift-${dead}-ef01.old`));
    await writeFile(path.join(root, `.run.wattshift-${dead}-ef01.old`, 'a.csv'), 'previous');
    await writeFile(path.join(root, `.run.wattshift-${dead}-ef01.old`, OUTPUT_MARKER), '');
    // the next run fails: the previous outputs are back in place, and nothing else is left
    function* stop() {
      yield '';
      throw new Error('stop');
    }
    await expect(writeOutputs(out, [{ name: 'b.csv', content: stop() }])).rejects.toThrow('stop');
    expect(await readFile(path.join(out, 'a.csv'), 'utf8')).toBe('previous');
    expect((await readdir(root)).sort()).toEqual(['run']);
  });

  it('refuses a destination that is a file, a device or a folder with other files, and an empty name', async () => {
    await writeFile(path.join(root, 'a-file'), 'keep');
    expect((await refused(writeOutputs(path.join(root, 'a-file'), [{ name: 'x.csv', content: 'x' }]))).message).toMatch(/which is a file, not a folder/);
    for (const dev of ['/dev/null', '/dev/full']) {
      expect((await refused(writeOutputs(dev, [{ name: 'x.csv', content: 'x' }]))).message).toMatch(/which is a device, not a folder/);
    }
    await mkdir(path.join(root, 'mine'));
    await writeFile(path.join(root, 'mine', 'notes.txt'), 'my notes');
    expect((await refused(writeOutputs(path.join(root, 'mine'), [{ name: 'x.csv', content: 'x' }]))).message).toMatch(/already holds files wattshift did not write \("notes.txt"\)/);
    expect(await readFile(path.join(root, 'mine', 'notes.txt'), 'utf8')).toBe('my notes');
    expect((await refused(writeOutputs('', [{ name: 'x.csv', content: 'x' }]))).message).toMatch(/--out is empty/);
    expect(await readFile(path.join(root, 'a-file'), 'utf8')).toBe('keep');
  });

  it('names the file and the reason when the disk is full (ENOSPC)', async () => {
    function* full() {
      yield 'x';
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    }
    const e = await refused(writeOutputs(path.join(root, 'run'), [{ name: 'ledger.csv', content: full() }]));
    expect(e.message).toBe(`cannot write ${path.join(root, 'run', 'ledger.csv')}: no space left on the device (ENOSPC); free space or choose another folder for --out`);
    expect(await readdir(root)).toEqual([]);
  });
});
