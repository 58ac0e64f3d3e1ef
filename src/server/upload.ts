/**
 * The forms a scenario upload takes (POST /api/v1/scenarios), each turned into a bundle:
 *
 * - JSON `{ name?, scenario: "<YAML or JSON text>" | {…}, entry?, files?: { "<path>": { text } | { base64 } } }`
 *   (what a browser or a script builds; `scenario` may also be one of `files`, named by `entry`);
 * - the scenario text alone, as `application/yaml` (or `text/yaml`, `text/plain`);
 * - a tar archive, gzipped or not (`application/gzip`, `application/x-tar`): `tar czf - s.yaml data/`.
 *
 * Archive members may only be regular files and folders: symbolic and hard links, devices and
 * FIFOs are refused by name, as are absolute paths and `..` (the store's bundle path rules).
 */
import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { StoreError, bundlePath, type BundleFile, type ScenarioBundle } from '../store/index.ts';
import { HttpError } from './http-error.ts';

/** The JSON form of an upload. */
export const UploadJson = z
  .object({
    name: z.string().min(1).max(200).optional().describe('a label for the scenario (default: its `name` field or the entry file name)'),
    scenario: z
      .union([z.string(), z.record(z.string(), z.unknown())])
      .optional()
      .describe('the scenario: YAML or JSON text, or the scenario as a JSON object'),
    entry: z.string().min(1).max(512).optional().describe('path of the scenario file in the bundle (default scenario.yaml, or scenario.json for an object)'),
    files: z
      .record(z.string().min(1).max(512), z.union([z.object({ text: z.string() }).strict(), z.object({ base64: z.string() }).strict()]))
      .optional()
      .describe('the series files the scenario names, by path relative to the bundle root'),
  })
  .strict()
  .describe('A scenario bundle as JSON');

/** A parsed upload: the bundle and the name to store it under (if given). */
export interface Upload {
  bundle: ScenarioBundle;
  name?: string;
}

/** Limits on archives. */
export interface ArchiveLimits {
  /** Most bytes the archive may expand to. */
  maxBytes: number;
  /** Most members. */
  maxFiles: number;
}

function invalid(message: string, details: Record<string, unknown> = {}): never {
  throw new StoreError('BUNDLE_INVALID', message, details);
}

/** A bundle from the JSON form. */
export function bundleFromJson(body: z.infer<typeof UploadJson>): Upload {
  const files: BundleFile[] = [];
  for (const [path, f] of Object.entries(body.files ?? {})) {
    if ('base64' in f) {
      if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(f.base64)) throw new HttpError('REQUEST_INVALID', `files["${path}"].base64 is not base64`, { location: { path: `body.files.${path}.base64` } });
      files.push({ path, content: Buffer.from(f.base64, 'base64') });
    } else files.push({ path, content: Buffer.from(f.text, 'utf8') });
  }
  let entry = body.entry;
  if (body.scenario !== undefined) {
    const text = typeof body.scenario === 'string' ? body.scenario : `${JSON.stringify(body.scenario, null, 2)}\n`;
    entry ??= typeof body.scenario === 'string' ? 'scenario.yaml' : 'scenario.json';
    if (files.some((f) => f.path === entry)) throw new HttpError('REQUEST_INVALID', `"${entry}" is given both as scenario and in files; give it once`, { location: { path: 'body.scenario' } });
    files.push({ path: entry, content: Buffer.from(text, 'utf8') });
  } else if (entry === undefined) {
    throw new HttpError('REQUEST_INVALID', 'give the scenario (its text or object), or name it among files with entry', { location: { path: 'body.scenario' } });
  }
  return { bundle: { entry, files }, ...(body.name ? { name: body.name } : {}) };
}

/** A bundle of the scenario text alone. */
export function bundleFromText(text: string, entry = 'scenario.yaml'): ScenarioBundle {
  return { entry, files: [{ path: entry, content: Buffer.from(text, 'utf8') }] };
}

/** The scenario file of an archive: `entry` if given, else the one YAML or JSON file nearest the top. */
function pickEntry(paths: string[], entry: string | undefined): string {
  if (entry !== undefined) {
    const e = bundlePath(entry, 'entry');
    if (!paths.includes(e)) invalid(`the archive has no file "${e}"; its files are ${paths.slice(0, 20).join(', ')}${paths.length > 20 ? ', …' : ''}`, { entry: e });
    return e;
  }
  const candidates = paths.filter((p) => /\.(ya?ml|json)$/i.test(p));
  if (candidates.length === 0) invalid('the archive holds no YAML or JSON scenario file; name it with ?entry=', {});
  const depth = (p: string): number => p.split('/').length;
  const top = Math.min(...candidates.map(depth));
  const shallowest = candidates.filter((p) => depth(p) === top);
  if (shallowest.length > 1) invalid(`the archive holds several scenario candidates (${shallowest.join(', ')}); name one with ?entry=`, {});
  return shallowest[0]!;
}

/** A bundle from a tar archive (gzipped or not). */
export async function bundleFromArchive(bytes: Buffer, entry: string | undefined, limits: ArchiveLimits): Promise<ScenarioBundle> {
  let tar = bytes;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      tar = gunzipSync(bytes, { maxOutputLength: limits.maxBytes });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') invalid(`the archive expands to more than ${Math.round(limits.maxBytes / 2 ** 20)} MB`);
      invalid(`the upload is not a valid gzip file (${(e as Error).message})`);
    }
  }
  const files: BundleFile[] = [];
  const ex = extract();
  let total = 0;
  const done = (async () => {
    for await (const member of ex) {
      const h = member.header;
      const name = h.name.replace(/^\.\//, '');
      if (h.type === 'directory' || name === '' || name === '.') {
        member.resume();
        continue;
      }
      if (h.type !== 'file' && h.type !== 'contiguous-file') {
        member.resume();
        invalid(`archive member "${h.name}" is ${h.type === 'symlink' ? 'a symbolic link' : h.type === 'link' ? 'a hard link' : `a ${h.type}`}; a bundle holds regular files only`, { path: h.name });
      }
      const path = bundlePath(name, 'archive member');
      if (files.length >= limits.maxFiles) invalid(`the archive has more than ${limits.maxFiles} files`);
      const parts: Buffer[] = [];
      for await (const chunk of member as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (total > limits.maxBytes) invalid(`the archive's files add up to more than ${Math.round(limits.maxBytes / 2 ** 20)} MB`);
        parts.push(chunk);
      }
      files.push({ path, content: Buffer.concat(parts) });
    }
  })();
  Readable.from([tar]).pipe(ex);
  try {
    await done;
  } catch (e) {
    ex.destroy();
    if (e instanceof StoreError) throw e;
    invalid(`the upload is not a valid tar archive (${(e as Error).message})`);
  }
  if (files.length === 0) invalid('the archive holds no files');
  return { entry: pickEntry(files.map((f) => f.path), entry), files };
}
