import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { InputFileError, maxInputBytes, readInputText } from './input-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'wattshift-input-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function refused(fn: () => unknown): InputFileError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputFileError) return e;
    throw e;
  }
  throw new Error('expected the file to be refused');
}

const MB = 1024 * 1024;

describe('readInputText', () => {
  writeFileSync(join(dir, 'ok.csv'), 'time,v\n2023-01-01T00:00Z,1\n');

  it('reads a regular file relative to a folder, and gunzips .gz', () => {
    expect(readInputText('ok.csv', { baseDir: dir })).toContain('time,v');
    writeFileSync(join(dir, 'ok.csv.gz'), gzipSync('a,b\n1,2\n'));
    expect(readInputText('ok.csv.gz', { baseDir: dir })).toBe('a,b\n1,2\n');
  });

  it('refuses devices without reading them (/dev/zero and /dev/urandom never end)', () => {
    for (const dev of ['/dev/zero', '/dev/urandom', '/dev/null']) {
      expect(refused(() => readInputText(dev)).message).toMatch(/is a character device; only regular files are read/);
    }
  });

  it.skipIf(process.platform !== 'linux')('refuses the kernel pseudo files of /proc (their stat size is 0)', () => {
    expect(refused(() => readInputText('/proc/self/environ')).message).toMatch(/proc file system, not a data file/);
  });

  it.skipIf(spawnSync('mkfifo', ['--version']).status !== 0)('refuses a FIFO before opening it, even with a writer that never closes', () => {
    const fifo = join(dir, 'pipe.csv');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // a writer that would stream zeros for ever once a reader opened the pipe
    const writer = spawn('sh', ['-c', `cat /dev/zero > '${fifo}'`], { stdio: 'ignore' });
    children.push(writer);
    const t0 = performance.now();
    expect(refused(() => readInputText('pipe.csv', { baseDir: dir })).message).toMatch(/named pipe \(FIFO\)/);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('refuses folders and names missing files as not found', () => {
    expect(refused(() => readInputText(dir)).message).toMatch(/is a folder/);
    const e = refused(() => readInputText('nope.csv', { baseDir: dir }));
    expect(e.notFound).toBe(true);
    expect(e.message).toBe('does not exist');
  });

  it('refuses a file above the cap before reading it, and says how to raise the cap', () => {
    writeFileSync(join(dir, 'big.csv'), Buffer.alloc(2 * MB, 0x31));
    const e = refused(() => readInputText('big.csv', { baseDir: dir, maxBytes: MB }));
    expect(e.message).toMatch(/is 2\.0 MB; the limit is 1\.0 MB; set WATTSHIFT_MAX_INPUT_MB/);
  });

  it('refuses a gzip bomb once it expands past the cap (not "invalid gzip")', () => {
    // 64 MB of zeros compress to ~64 KB; the cap is 1 MB
    writeFileSync(join(dir, 'bomb.csv.gz'), gzipSync(Buffer.alloc(64 * MB), { level: 9 }));
    const e = refused(() => readInputText('bomb.csv.gz', { baseDir: dir, maxBytes: MB }));
    expect(e.message).toMatch(/expands to more than 1\.0 MB when decompressed; the limit is 1\.0 MB; set WATTSHIFT_MAX_INPUT_MB/);
    writeFileSync(join(dir, 'broken.csv.gz'), Buffer.from([0x1f, 0x8b, 1, 2, 3]));
    expect(refused(() => readInputText('broken.csv.gz', { baseDir: dir })).message).toMatch(/not a valid gzip file/);
  });

  it('takes the cap from WATTSHIFT_MAX_INPUT_MB (256 MB by default)', () => {
    expect(maxInputBytes({})).toBe(256 * MB);
    expect(maxInputBytes({ WATTSHIFT_MAX_INPUT_MB: '1.5' })).toBe(1.5 * MB);
    expect(maxInputBytes({ WATTSHIFT_MAX_INPUT_MB: 'lots' })).toBe(256 * MB);
  });
});

describe('path policy with a root folder', () => {
  const root = join(dir, 'root');
  mkdirSync(join(root, 'data'), { recursive: true });
  writeFileSync(join(root, 'data', 'p.csv'), 'a\n1\n');
  writeFileSync(join(dir, 'secret.csv'), 'secret\n');
  symlinkSync(join(dir, 'secret.csv'), join(root, 'out-link.csv'));
  symlinkSync(join(root, 'data', 'p.csv'), join(root, 'in-link.csv'));
  const policy = { root };

  it('reads files inside the root, also through links that stay inside', () => {
    expect(readInputText('data/p.csv', { baseDir: root, policy })).toBe('a\n1\n');
    expect(readInputText('in-link.csv', { baseDir: root, policy })).toBe('a\n1\n');
    expect(readInputText('../p.csv', { baseDir: join(root, 'data', 'x'), policy })).toBe('a\n1\n');
  });

  it('refuses absolute paths, ".." escapes, links that leave the root, devices and FIFOs', () => {
    expect(refused(() => readInputText(join(root, 'data', 'p.csv'), { baseDir: root, policy })).message).toMatch(/absolute path/);
    expect(refused(() => readInputText('../secret.csv', { baseDir: root, policy })).message).toMatch(/outside the folder/);
    expect(refused(() => readInputText('out-link.csv', { baseDir: root, policy })).message).toMatch(/symbolic link to a place outside/);
    expect(refused(() => readInputText('/dev/zero', { baseDir: root, policy })).message).toMatch(/absolute path/);
    if (existsSync('/usr/bin/mkfifo')) {
      spawnSync('mkfifo', [join(root, 'fifo')]);
      expect(refused(() => readInputText('fifo', { baseDir: root, policy })).message).toMatch(/FIFO/);
    }
  });

  it('without a root, reads the user\'s regular files anywhere', () => {
    expect(readInputText(join(dir, 'secret.csv'))).toBe('secret\n');
    expect(readInputText('out-link.csv', { baseDir: root })).toBe('secret\n');
  });
});

describe('a scenario loaded under a path policy', () => {
  it('reads its series inside the root and refuses one that names a file outside it', async () => {
    const { loadScenarioText } = await import('../pipeline.ts');
    const root = join(dir, 'served');
    mkdirSync(root, { recursive: true });
    const rows = ['time,price', ...Array.from({ length: 24 }, (_, i) => `2023-01-01T${String(i).padStart(2, '0')}:00Z,${30 + i}`)];
    writeFileSync(join(root, 'p.csv'), `${rows.join('\n')}\n`);
    writeFileSync(join(dir, 'outside.csv'), `${rows.join('\n')}\n`);
    const text = (file: string) => `name: s
horizon: { start: 2023-01-01T00:00Z, hours: 24 }
sites:
  - { id: a, latitude: 30, longitude: -97, grid: { importLimitMW: 20 }, it: [{ accelerator: H100, gpus: 8 }], facility: { cooling: { archetype: air } },
      series: { price: { file: ${JSON.stringify(file)}, format: csv, timeColumn: time, valueColumn: price, unit: USD/MWh } } }
`;
    expect(loadScenarioText(text('p.csv'), root, 'api', { root }).sites[0]!.price![3]).toBe(33);
    for (const file of ['../outside.csv', join(dir, 'outside.csv'), '/proc/self/environ', '/dev/zero']) {
      expect(() => loadScenarioText(text(file), root, 'api', { root })).toThrow(/absolute path|outside the folder/);
    }
  });
});
