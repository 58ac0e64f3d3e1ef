/**
 * All-or-nothing output: every file is written to a temporary name beside its destination,
 * and only when all of them were written completely are they renamed into place. A failing
 * content generator (or a full disk) leaves the previous outputs untouched and no temp files.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

/** One output file: its name relative to the output directory and its text (or bytes). */
export interface OutputFile {
  name: string;
  content: string | Uint8Array | Iterable<string> | AsyncIterable<string>;
}

/** Bytes buffered before a write call; keeps syscalls few when content comes in small chunks. */
const FLUSH_CHARS = 1 << 20;

/** Resolves `name` inside `dir`, refusing names that would land outside it. */
function destination(dir: string, name: string): string {
  const root = path.resolve(dir);
  const target = path.resolve(root, name);
  if (name.length === 0 || path.isAbsolute(name) || !target.startsWith(root + path.sep)) {
    throw new RangeError(`writeOutputs: output name "${name}" must be a relative path inside the output directory`);
  }
  return target;
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
        throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${d}'`), { code: 'ENOTDIR', path: d });
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

/**
 * Writes every file to a temporary name in `dir` (created recursively), then renames them all
 * into place once all were written. On any error the temporaries are removed and the error is
 * rethrown, so no destination is left half-written.
 */
export async function writeOutputs(dir: string, files: OutputFile[]): Promise<string[]> {
  const targets = files.map((f) => destination(dir, f.name));
  if (new Set(targets).size !== targets.length) throw new RangeError('writeOutputs: two outputs have the same name');
  await ensureDir(dir);
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temps: string[] = [];
  try {
    for (let i = 0; i < files.length; i++) {
      const target = targets[i]!;
      await ensureDir(path.dirname(target));
      const temp = path.join(path.dirname(target), `.${path.basename(target)}.${tag}.tmp`);
      temps.push(temp);
      const fh = await open(temp, 'wx');
      try {
        const content = files[i]!.content;
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
    // renames within one file system are atomic; a failure here (rare) still removes the rest
    for (let i = 0; i < files.length; i++) {
      await rename(temps[i]!, targets[i]!);
      temps[i] = '';
    }
  } catch (err) {
    await Promise.all(temps.filter((t) => t !== '').map((t) => unlink(t).catch(() => undefined)));
    throw err;
  }
  return targets;
}
