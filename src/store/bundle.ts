/**
 * Scenario bundles: the scenario file and the series files it names, addressed by content.
 *
 * The id is the SHA-256 (hex) of this UTF-8 text, one line each, `\n`-terminated:
 *
 *     wattshift-bundle-v1
 *     entry <entry path>
 *     <sha256 hex> <size in bytes> <path>        (one line per file, sorted by path bytes)
 *
 * so equal bundles get equal ids whatever order the files came in, and any change to a byte, a
 * name or the entry gives a new id. Paths are relative, use `/`, and may not contain `.` or
 * `..` segments, empty segments, backslashes or control characters: a bundle can only name
 * files inside itself.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { sha256Hex, toBytes } from './blobs.ts';
import { StoreError } from './errors.ts';
import type { BundleFile, MaterialisedBundle, ScenarioBundle } from './types.ts';

/** Longest path accepted inside a bundle, characters. */
const MAX_PATH = 512;

/** Checks a path inside a bundle and returns it without a leading `./`. */
export function bundlePath(path: string, what = 'bundle path'): string {
  const p = path.startsWith('./') ? path.slice(2) : path;
  const bad = (why: string): never => {
    throw new StoreError('BUNDLE_INVALID', `${what} "${path}" ${why}; use a relative path with "/" between folder names, inside the bundle`, { path });
  };
  if (p.length === 0) bad('is empty');
  if (p.length > MAX_PATH) bad(`is longer than ${MAX_PATH} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(p)) bad('contains a control character');
  if (p.includes('\\')) bad('contains a backslash');
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) bad('is absolute');
  for (const seg of p.split('/')) {
    if (seg === '') bad('has an empty folder name');
    if (seg === '.' || seg === '..') bad(`contains "${seg}"`);
  }
  return p;
}

/** Builds a bundle from an entry path and a map of path → content (text is UTF-8). */
export function makeBundle(entry: string, files: Record<string, string | Uint8Array>): ScenarioBundle {
  return { entry, files: Object.entries(files).map(([path, c]) => ({ path, content: toBytes(c) })) };
}

/** A bundle's files with checked paths, hashes and sizes, sorted by path. */
export interface BundleListing {
  id: string;
  entry: string;
  files: Array<BundleFile & { sha256: string; sizeBytes: number }>;
  sizeBytes: number;
}

/** Byte order of UTF-8 strings (what a sort of the encoded paths gives). */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Checks a bundle and computes its id. Throws BUNDLE_INVALID. */
export function listBundle(bundle: ScenarioBundle): BundleListing {
  const entry = bundlePath(bundle.entry, 'entry');
  const seen = new Set<string>();
  const files = bundle.files.map((f) => {
    const path = bundlePath(f.path);
    if (seen.has(path)) throw new StoreError('BUNDLE_INVALID', `bundle lists "${path}" twice`, { path });
    seen.add(path);
    return { path, content: f.content, sha256: sha256Hex(f.content), sizeBytes: f.content.byteLength };
  });
  if (!seen.has(entry)) throw new StoreError('BUNDLE_INVALID', `the entry "${entry}" is not among the bundle's files (${[...seen].join(', ') || 'none'})`, { entry });
  for (const p of seen) {
    // a file cannot also be a folder of another file
    for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) {
      if (seen.has(p.slice(0, i))) throw new StoreError('BUNDLE_INVALID', `"${p.slice(0, i)}" is both a file and a folder in the bundle`, { path: p });
    }
  }
  files.sort((a, b) => compareUtf8(a.path, b.path));
  const text = ['wattshift-bundle-v1', `entry ${entry}`, ...files.map((f) => `${f.sha256} ${f.sizeBytes} ${f.path}`)].join('\n') + '\n';
  return { id: sha256Hex(Buffer.from(text, 'utf8')), entry, files, sizeBytes: files.reduce((s, f) => s + f.sizeBytes, 0) };
}

/** The id a bundle gets in the store. */
export function bundleId(bundle: ScenarioBundle): string {
  return listBundle(bundle).id;
}

/**
 * Reads a file of the bundle by a path relative to the entry's folder (as scenario files name
 * series), refusing any path that leaves the bundle. Returns undefined for a missing file.
 */
export function readFromBundle(bundle: ScenarioBundle, relativeToEntry: string): Uint8Array | undefined {
  if (relativeToEntry.startsWith('/') || relativeToEntry.includes('\\')) throw new StoreError('BUNDLE_INVALID', `"${relativeToEntry}" is not a relative path inside the bundle`, { path: relativeToEntry });
  const base = bundle.entry.includes('/') ? bundle.entry.slice(0, bundle.entry.lastIndexOf('/')) : '';
  const parts = base ? base.split('/') : [];
  for (const seg of relativeToEntry.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) throw new StoreError('BUNDLE_INVALID', `"${relativeToEntry}" leaves the bundle`, { path: relativeToEntry });
      parts.pop();
    } else parts.push(seg);
  }
  const path = parts.join('/');
  return bundle.files.find((f) => f.path === path)?.content;
}

/** Writes a bundle into `dir` (created; must be empty) or a new temporary folder. */
export async function materialiseBundle(bundle: ScenarioBundle, dir?: string): Promise<MaterialisedBundle> {
  const listing = listBundle(bundle);
  let root: string;
  if (dir) {
    root = resolve(dir);
    await mkdir(root, { recursive: true });
    if ((await readdir(root)).length > 0) throw new StoreError('CONFLICT', `folder ${root} is not empty; materialise a bundle into an empty or new folder`, { dir: root });
  } else root = await mkdtemp(join(tmpdir(), 'wattshift-bundle-'));
  for (const f of listing.files) {
    const target = resolve(root, ...f.path.split('/'));
    if (!target.startsWith(root + sep)) throw new StoreError('BUNDLE_INVALID', `"${f.path}" leaves the bundle`, { path: f.path });
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, f.content, { flag: 'wx' });
  }
  return { dir: root, entryPath: resolve(root, ...listing.entry.split('/')), cleanup: () => rm(root, { recursive: true, force: true }) };
}
