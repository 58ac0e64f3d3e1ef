/**
 * All-or-nothing output, per folder: a run's files are written into a fresh folder beside the
 * destination, and only when every one of them is complete is that folder swapped in for the
 * destination by rename. A failing content generator, a full disk or a killed process leaves the
 * previous outputs as they were; two runs into one folder never mix (the last to finish wins);
 * temporary folders a killed run left behind are removed by the next run.
 *
 * The destination is replaced as a whole, so it must be new, empty, or a folder wattshift wrote
 * (it holds a `.wattshift-output` marker, or only names this run writes): a folder holding other
 * files is refused rather than deleted.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors/index.ts';
import { trackTempPath } from '../shutdown/cleanup.ts';

/** One output file: its name relative to the output directory and its text (or bytes). */
export interface OutputFile {
  name: string;
  content: string | Uint8Array | Iterable<string> | AsyncIterable<string>;
}

/** Bytes buffered before a write call; keeps syscalls few when content comes in small chunks. */
const FLUSH_CHARS = 1 << 20;

/** Marker file every output folder holds: the folder may be replaced by a later run. */
export const OUTPUT_MARKER = '.wattshift-output';

/** Part of the names of temporary folders: `.<name>.wattshift-<pid>-<random>.(tmp|old)`. */
const TEMP_TAG = '.wattshift-';

/** Resolves `name` inside `dir`, refusing names that would land outside it. */
function destination(dir: string, name: string): string {
  const root = path.resolve(dir);
  const target = path.resolve(root, name);
  if (name.length === 0 || path.isAbsolute(name) || !target.startsWith(root + path.sep)) {
    throw new RangeError(`writeOutputs: output name "${name}" must be a relative path inside the output directory`);
  }
  return target;
}

function unwritable(message: string, _dir: string): InputError {
  // the message names the folder or file; the location is the option
  return new InputError('OUTPUT_UNWRITABLE', message, { path: '--out' });
}

const ERRNO_TEXT: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EIO: 'input/output error',
  EFBIG: 'file too large',
  ENAMETOOLONG: 'name too long',
};

/** A file-system error while writing `file`, as an input error that names the file. */
function writeFailure(e: unknown, file: string): unknown {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === undefined || !(code in ERRNO_TEXT)) return e;
  return unwritable(`cannot write ${file}: ${ERRNO_TEXT[code]} (${code}); free space or choose another folder for --out`, file);
}

/**
 * Creates `dir` and its missing parents one level at a time. (Node's recursive mkdir loops for
 * ever on some special file systems, such as /proc, instead of failing.)
 */
export async function ensureDir(dir: string): Promise<void> {
  const missing: string[] = [];
  let d = path.resolve(dir);
  for (;;) {
    try {
      if (!(await stat(d)).isDirectory()) {
        throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${d}'`), { code: 'ENOTDIR', path: d, syscall: 'mkdir' });
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      missing.push(d);
      const up = path.dirname(d);
      if (up === d) break;
      d = up;
    }
  }
  for (const m of missing.reverse()) {
    try {
      await mkdir(m);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temporary folders of `base` that a run which no longer exists left in `parent`. When
 * the destination itself is missing (the run died between its two renames), the previous
 * outputs it had moved aside are put back first.
 */
async function cleanStale(parent: string, base: string, target: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return;
  }
  const prefix = `.${base}${TEMP_TAG}`;
  const stale = names.filter((n) => {
    if (!n.startsWith(prefix)) return false;
    const pid = Number(n.slice(prefix.length).split('-')[0]);
    return Number.isInteger(pid) && pid > 0 && pid !== process.pid && !isAlive(pid);
  });
  let targetExists = true;
  try {
    await lstat(target);
  } catch {
    targetExists = false;
  }
  for (const n of stale) {
    const p = path.join(parent, n);
    if (!targetExists && n.endsWith('.old')) {
      try {
        await rename(p, target);
        targetExists = true;
        continue;
      } catch {
        // fall through: remove it
      }
    }
    await rm(p, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * Checks that `target` may be replaced: missing, or a folder that is empty, marked as an output
 * folder or holding only names this run writes. Returns whether it exists.
 */
async function checkTarget(target: string, topNames: ReadonlySet<string>): Promise<boolean> {
  let st;
  try {
    st = await stat(target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    if (code === 'ENOTDIR') throw unwritable(`cannot create the output folder ${target}: a part of its path is a file, not a folder`, target);
    throw writeFailure(e, target);
  }
  if (!st.isDirectory()) {
    const what = st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isFIFO() ? 'a named pipe' : st.isSocket() ? 'a socket' : 'a file';
    throw unwritable(`--out names ${target}, which is ${what}, not a folder; name a folder for the output files`, target);
  }
  const cwd = process.cwd();
  if (cwd === target || cwd.startsWith(target + path.sep)) {
    throw unwritable(`--out names ${target}, which holds the working folder; name a new folder for the output files`, target);
  }
  const entries = await readdir(target);
  if (entries.includes(OUTPUT_MARKER)) return true;
  const foreign = entries.filter((e) => !topNames.has(e));
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 5).map((f) => `"${f}"`).join(', ') + (foreign.length > 5 ? ` and ${foreign.length - 5} more` : '');
    throw unwritable(`--out names ${target}, which already holds files wattshift did not write (${shown}); the output folder is replaced as a whole, so name a new or empty folder`, target);
  }
  return true;
}

async function writeOne(file: string, content: OutputFile['content']): Promise<void> {
  const fh = await open(file, 'wx');
  try {
    if (typeof content === 'string') {
      await fh.writeFile(content, 'utf8');
    } else if (content instanceof Uint8Array) {
      await fh.writeFile(content);
    } else {
      let buffer = '';
      for await (const chunk of content) {
        buffer += chunk;
        if (buffer.length >= FLUSH_CHARS) {
          await fh.writeFile(buffer, 'utf8');
          buffer = '';
        }
      }
      if (buffer.length > 0) await fh.writeFile(buffer, 'utf8');
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Writes every file into a new folder beside `dir`, then swaps that folder in for `dir` with a
 * rename. On any error the new folder is removed and the error is rethrown, so `dir` is either
 * the previous outputs or the complete new ones, never a mix. Returns the paths written.
 */
export async function writeOutputs(dir: string, files: OutputFile[]): Promise<string[]> {
  if (dir.trim() === '') throw unwritable('--out is empty; name a folder for the output files', dir);
  const targets = files.map((f) => destination(dir, f.name));
  if (new Set(targets).size !== targets.length) throw new RangeError('writeOutputs: two outputs have the same name');
  let target = path.resolve(dir);
  const parent0 = path.dirname(target);
  if (parent0 === target) throw unwritable(`--out names the root folder ${target}; name a folder for the output files`, dir);
  // a link to a folder: replace the folder it points at, and keep the link
  try {
    if ((await lstat(target)).isSymbolicLink()) target = await realpath(target);
  } catch {
    // missing: created below
  }
  const parent = path.dirname(target);
  const base = path.basename(target);
  const topNames = new Set(files.map((f) => f.name.split(/[\\/]/)[0]!).concat(OUTPUT_MARKER));
  await checkTarget(target, topNames);
  await ensureDir(parent);
  await cleanStale(parent, base, target);

  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temp = path.join(parent, `.${base}${TEMP_TAG}${tag}.tmp`);
  const old = path.join(parent, `.${base}${TEMP_TAG}${tag}.old`);
  const untrack = trackTempPath(temp);
  try {
    try {
      await mkdir(temp);
    } catch (e) {
      throw writeFailure(e, temp);
    }
    for (let i = 0; i < files.length; i++) {
      const file = path.join(temp, path.relative(path.resolve(dir), targets[i]!));
      await ensureDir(path.dirname(file));
      try {
        await writeOne(file, files[i]!.content);
      } catch (e) {
        throw writeFailure(e, path.join(target, files[i]!.name));
      }
    }
    // written last: a folder with the marker is complete
    await writeFile(path.join(temp, OUTPUT_MARKER), 'This folder was written by wattshift; a later run with the same --out replaces it as a whole.\n');
    await swapIn(temp, target, old, topNames);
  } catch (err) {
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  } finally {
    untrack();
  }
  return files.map((f) => path.join(target, f.name));
}

/** Puts `temp` in place of `target` (moving any existing folder aside to `old`, then removing it). */
async function swapIn(temp: string, target: string, old: string, topNames: ReadonlySet<string>): Promise<void> {
  // another run may put its folder in place between our renames: then replace that one too
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      await rename(temp, target);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EISDIR' && code !== 'ENOTDIR') throw writeFailure(e, target);
    }
    // the target exists and is not empty: check it is still ours to replace, move it aside
    await checkTarget(target, topNames);
    try {
      await rename(target, old);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // someone else moved it
      throw writeFailure(e, target);
    }
    try {
      await rename(temp, target);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') {
        await rm(old, { recursive: true, force: true });
        continue;
      }
      await rename(old, target).catch(() => undefined); // put the previous outputs back
      throw writeFailure(e, target);
    }
    await rm(old, { recursive: true, force: true });
    return;
  }
  throw unwritable(`${target} keeps being replaced by other runs; try again`, target);
}
