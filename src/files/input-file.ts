/**
 * Reading a file a user names (a scenario, a series, an event schedule) without trusting it:
 * only regular files are opened (a FIFO, /dev/zero or a terminal would block or never end),
 * files of the kernel's pseudo file systems (/proc, /sys) are refused, the bytes read and the
 * bytes a gzip file expands to are capped, and an optional path policy keeps every file inside
 * one folder (the HTTP server passes one; the CLI reads the user's own files anywhere).
 *
 * Reads are synchronous and chunked: the cap is checked before anything is allocated for the
 * whole file, so an endless or huge input costs at most the limit in memory.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statfsSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Where files may come from. */
export interface PathPolicy {
  /**
   * When set, every file must lie inside this folder: absolute paths, `..` that leave it and
   * symbolic links that resolve outside it are refused. Unset: any regular file may be read.
   */
  root?: string;
}

/** Default cap on the bytes of one input file, and on what a gzip file expands to, MB. */
export const DEFAULT_MAX_INPUT_MB = 256;
/** Environment variable that changes the cap (MB). */
export const MAX_INPUT_ENV = 'WATTSHIFT_MAX_INPUT_MB';

/**
 * Default cap on a scenario file, MB. Scenarios are a few KB; big data belongs in series files.
 * (Parsing and validating YAML costs about 1.5 s and 100 MB of memory per MB of scenario.)
 */
export const DEFAULT_MAX_SCENARIO_MB = 8;
/** Environment variable that changes the scenario cap (MB). */
export const MAX_SCENARIO_ENV = 'WATTSHIFT_MAX_SCENARIO_MB';

/** A byte cap and the environment variable that sets it. */
export interface ByteLimit {
  bytes: number;
  env: string;
}

function limitFrom(env: NodeJS.ProcessEnv, name: string, fallbackMb: number): ByteLimit {
  const raw = env[name];
  const mb = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  return { bytes: Math.floor((Number.isFinite(mb) && mb > 0 ? mb : fallbackMb) * 1024 * 1024), env: name };
}

/** The input cap in bytes: `WATTSHIFT_MAX_INPUT_MB` when it is a positive number, else 256 MB. */
export function maxInputBytes(env: NodeJS.ProcessEnv = process.env): number {
  return limitFrom(env, MAX_INPUT_ENV, DEFAULT_MAX_INPUT_MB).bytes;
}

/** The scenario-file cap: `WATTSHIFT_MAX_SCENARIO_MB` when it is a positive number, else 8 MB. */
export function scenarioLimit(env: NodeJS.ProcessEnv = process.env): ByteLimit {
  return limitFrom(env, MAX_SCENARIO_ENV, DEFAULT_MAX_SCENARIO_MB);
}

/** Why a file was refused; `message` completes "file "x" …". */
export class InputFileError extends Error {
  override readonly name = 'InputFileError';
  /** True when the file is missing or unreadable (as opposed to refused for what it is). */
  readonly notFound: boolean;
  /** True when the file (or what it expands to) is above the size cap. */
  readonly tooLarge: boolean;
  constructor(message: string, notFound = false, tooLarge = false) {
    super(message);
    this.notFound = notFound;
    this.tooLarge = tooLarge;
  }
}

/** Options of readInputFile. */
export interface ReadInputOptions {
  /** Folder a relative `file` is read from (default: the working directory). */
  baseDir?: string;
  policy?: PathPolicy;
  /** Cap in bytes (default: maxInputBytes()). */
  maxBytes?: number;
  /** Cap with the variable that raises it (default: WATTSHIFT_MAX_INPUT_MB); overrides maxBytes. */
  limit?: ByteLimit;
  /** Decompress gzip (by `.gz` ending or magic bytes). Default true. */
  gunzip?: boolean;
}

/** File systems whose files are views of the kernel, not data (statfs magic numbers). */
const PSEUDO_FS = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x73636673, 'securityfs'],
  [0x1cd1, 'devpts'],
]);

function mb(bytes: number): string {
  const m = bytes / (1024 * 1024);
  return `${m >= 10 ? Math.round(m) : m.toFixed(1)} MB`;
}

function raiseHint(limit: ByteLimit): string {
  return `the limit is ${mb(limit.bytes)}; set ${limit.env} to a larger number of MB to raise it`;
}

function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'a folder';
  if (s.isFIFO()) return 'a named pipe (FIFO)';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  if (s.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

function errnoWhy(e: unknown): InputFileError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new InputFileError('does not exist', true);
  if (code === 'EACCES' || code === 'EPERM') return new InputFileError('cannot be read (permission denied)', true);
  if (code === 'ELOOP') return new InputFileError('is a loop of symbolic links', true);
  if (code === 'ENAMETOOLONG') return new InputFileError('has a name that is too long', true);
  return new InputFileError(`cannot be read (${code ?? 'unknown error'})`, true);
}

function inside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** Applies the path policy and returns the absolute path to open. */
function resolveUnderPolicy(file: string, baseDir: string | undefined, policy: PathPolicy | undefined): string {
  if (file.includes('\0')) throw new InputFileError('has a NUL character in its name');
  const root = policy?.root;
  if (root === undefined) return resolve(baseDir ?? '.', file);
  if (isAbsolute(file)) throw new InputFileError('is an absolute path; name files relative to the scenario');
  const rootAbs = resolve(root);
  const full = resolve(baseDir ?? rootAbs, file);
  if (!inside(rootAbs, full)) throw new InputFileError('lies outside the folder files may be read from ("..")');
  let real: string;
  let realRoot: string;
  try {
    realRoot = realpathSync(rootAbs);
    real = realpathSync(full);
  } catch (e) {
    throw errnoWhy(e);
  }
  if (!inside(realRoot, real)) throw new InputFileError('is a symbolic link to a place outside the folder files may be read from');
  return real;
}

/** Refuses what is not a regular data file: folders, devices, FIFOs, sockets, /proc and /sys. */
function assertRegular(s: Stats, full: string): void {
  if (!s.isFile()) throw new InputFileError(`is ${kindOf(s)}; only regular files are read`);
  let fsType: number | undefined;
  try {
    fsType = Number(statfsSync(full).type);
  } catch {
    fsType = undefined;
  }
  const pseudo = fsType === undefined ? undefined : PSEUDO_FS.get(fsType);
  if (pseudo) throw new InputFileError(`is a file of the system's ${pseudo} file system, not a data file`);
}

/**
 * Reads a user-named file as bytes (gunzipped when it is gzip), within the policy and the cap.
 * Throws InputFileError (the caller adds the file's role and location).
 */
export function readInputBytes(file: string, opts: ReadInputOptions = {}): Buffer {
  const limit: ByteLimit = opts.limit ?? { bytes: opts.maxBytes ?? maxInputBytes(), env: MAX_INPUT_ENV };
  const maxBytes = limit.bytes;
  const full = resolveUnderPolicy(file, opts.baseDir, opts.policy);
  let before: Stats;
  try {
    before = statSync(full);
  } catch (e) {
    throw errnoWhy(e);
  }
  // checked before opening: opening a FIFO for reading waits for a writer
  assertRegular(before, full);
  if (before.size > maxBytes) throw new InputFileError(`is ${mb(before.size)}; ${raiseHint(limit)}`, false, true);
  let fd: number;
  try {
    fd = openSync(full, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOCTTY ?? 0));
  } catch (e) {
    throw errnoWhy(e);
  }
  let bytes: Buffer;
  try {
    const now = fstatSync(fd);
    // the path was swapped between the check and the open
    if (!now.isFile() || now.ino !== before.ino || now.dev !== before.dev) throw new InputFileError(`changed while it was opened; only regular files are read`);
    const chunks: Buffer[] = [];
    let total = 0;
    const chunk = Buffer.allocUnsafe(Math.min(1 << 20, maxBytes + 1));
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw new InputFileError(`is larger than ${mb(maxBytes)} (it grew while it was read); ${raiseHint(limit)}`, false, true);
      chunks.push(Buffer.from(chunk.subarray(0, n)));
    }
    bytes = Buffer.concat(chunks, total);
  } catch (e) {
    if (e instanceof InputFileError) throw e;
    throw errnoWhy(e);
  } finally {
    closeSync(fd);
  }
  const gzipped = (opts.gunzip ?? true) && (file.toLowerCase().endsWith('.gz') || (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b));
  if (!gzipped) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new InputFileError(`expands to more than ${mb(maxBytes)} when decompressed; ${raiseHint(limit)}`, false, true);
    }
    throw new InputFileError(`is not a valid gzip file (${(e as Error).message}); decompress it or remove the .gz ending`);
  }
}

/** readInputBytes decoded as UTF-8 text. */
export function readInputText(file: string, opts: ReadInputOptions = {}): string {
  return readInputBytes(file, opts).toString('utf8');
}
