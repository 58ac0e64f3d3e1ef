import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleId, bundlePath, listBundle, makeBundle, materialiseBundle, readFromBundle } from './bundle.ts';
import { isStoreError } from './errors.ts';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

function invalid(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isStoreError(e, 'BUNDLE_INVALID')) return e.message;
    throw e;
  }
  throw new Error('expected BUNDLE_INVALID');
}

describe('scenario bundles', () => {
  it('hash the documented canonical listing', () => {
    const b = makeBundle('fleet.yaml', { 'fleet.yaml': 'name: x\n', 'data/p.csv': 'a\n' });
    // worked by hand from the format in bundle.ts: files sorted by path, "sha size path" lines
    const text = `wattshift-bundle-v1\nentry fleet.yaml\n${sha('a\n')} 2 data/p.csv\n${sha('name: x\n')} 8 fleet.yaml\n`;
    expect(bundleId(b)).toBe(sha(text));
  });

  it('give the same id whatever the file order or a leading ./, and a new id for any change', () => {
    const files = { 'a.yaml': 'name: a', 'x/1.csv': '1', 'x/2.csv': '2' };
    const id = bundleId(makeBundle('a.yaml', files));
    expect(bundleId({ entry: './a.yaml', files: makeBundle('a.yaml', files).files.reverse() })).toBe(id);
    expect(bundleId(makeBundle('a.yaml', { ...files, 'x/2.csv': '3' }))).not.toBe(id);
    expect(bundleId(makeBundle('a.yaml', { 'a.yaml': 'name: a', 'x/1.csv': '1', 'x/3.csv': '2' }))).not.toBe(id);
    expect(bundleId(makeBundle('x/1.csv', files))).not.toBe(id);
    // bytes, not text: a trailing newline is a change
    expect(bundleId(makeBundle('a.yaml', { ...files, 'a.yaml': 'name: a\n' }))).not.toBe(id);
  });

  it('accept only relative paths inside the bundle', () => {
    expect(bundlePath('./data/p.csv')).toBe('data/p.csv');
    expect(bundlePath('data/2023 prices.csv.gz')).toBe('data/2023 prices.csv.gz');
    for (const [p, why] of [
      ['', 'is empty'],
      ['/etc/passwd', 'is absolute'],
      ['C:/x.csv', 'is absolute'],
      ['..\\x.csv', 'backslash'],
      ['../x.csv', 'contains ".."'],
      ['a/../../x.csv', 'contains ".."'],
      ['a/./x.csv', 'contains "."'],
      ['a//x.csv', 'empty folder name'],
      ['a/\u0000.csv', 'control character'],
      ['x'.repeat(600), 'longer than 512'],
    ] as const) {
      expect(invalid(() => bundlePath(p)), p).toContain(why);
    }
  });

  it('refuse duplicates, a missing entry, and a file that is also a folder', () => {
    expect(invalid(() => listBundle({ entry: 'a.yaml', files: [{ path: 'a.yaml', content: Buffer.from('1') }, { path: './a.yaml', content: Buffer.from('2') }] }))).toMatch(/lists "a.yaml" twice/);
    expect(invalid(() => listBundle(makeBundle('b.yaml', { 'a.yaml': '' })))).toMatch(/entry "b.yaml" is not among the bundle's files \(a.yaml\)/);
    expect(invalid(() => listBundle(makeBundle('a.yaml', { 'a.yaml': '', data: 'x', 'data/p.csv': 'y' })))).toMatch(/"data" is both a file and a folder/);
  });

  it('resolve series paths relative to the entry without leaving the bundle', () => {
    const b = makeBundle('sites/s.yaml', { 'sites/s.yaml': 's', 'sites/p.csv': 'p', 'shared/w.json': 'w' });
    const text = (p: string): string | undefined => {
      const c = readFromBundle(b, p);
      return c && Buffer.from(c).toString('utf8');
    };
    expect(text('p.csv')).toBe('p');
    expect(text('./p.csv')).toBe('p');
    expect(text('../shared/w.json')).toBe('w');
    expect(text('missing.csv')).toBeUndefined();
    expect(invalid(() => readFromBundle(b, '../../etc/passwd'))).toMatch(/leaves the bundle/);
    expect(invalid(() => readFromBundle(b, '/etc/passwd'))).toMatch(/not a relative path/);
  });

  it('materialise into a folder, refusing a non-empty one', async () => {
    const b = makeBundle('s/a.yaml', { 's/a.yaml': 'name: a', 's/d/p.csv': 'x,y' });
    const m = await materialiseBundle(b);
    try {
      expect(m.entryPath).toBe(join(m.dir, 's', 'a.yaml'));
      expect(await readFile(join(m.dir, 's/d/p.csv'), 'utf8')).toBe('x,y');
      await expect(materialiseBundle(b, m.dir)).rejects.toThrow(/is not empty/);
    } finally {
      await m.cleanup();
    }
  });
});
