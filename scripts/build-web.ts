/**
 * Builds the dashboard (web/) into dist/web: web/index.html with the hashed names of its script
 * and style sheet, and under assets/ the page script (web/src/main.ts), the chunk with ECharts
 * and the chart builders (loaded when a page first draws a chart) and the style sheet, all
 * minified with content hashes in their names, so the server sends them with a year-long cache
 * and index.html with none. Each file also gets Brotli and gzip copies, which the server sends
 * to browsers that accept them. Run by `npm run build:web`, by `npm run build` (so `npm ci`
 * builds it) and by the test setup when a source is newer than the build.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { licenceBanner } from './build-report-client.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Sources of the dashboard. */
export const WEB_SRC = path.join(ROOT, 'web');
/** Where the built dashboard goes (the server's default web folder). */
export const WEB_OUT = path.join(ROOT, 'dist', 'web');
/** The build's record: when, and from which input files (for the staleness check). */
const MANIFEST = 'build.json';

interface Manifest {
  builtAtMs: number;
  inputs: string[];
  files: Record<string, number>;
}

/** Files the last build read (relative to the repository), or null when there is no build. */
function readManifest(): Manifest | null {
  try {
    return JSON.parse(readFileSync(path.join(WEB_OUT, MANIFEST), 'utf8')) as Manifest;
  } catch {
    return null;
  }
}

/** True when dist/web is missing or any file it was built from changed since. */
export function webBuildIsStale(): boolean {
  const m = readManifest();
  if (!m) return true;
  for (const rel of [...m.inputs, 'web/index.html', 'scripts/build-web.ts']) {
    try {
      if (statSync(path.join(ROOT, rel)).mtimeMs > m.builtAtMs) return true;
    } catch {
      return true;
    }
  }
  return false;
}

function compressed(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) compressed(p);
    else if (/\.(js|css|html|txt|svg)$/.test(e.name)) {
      const raw = readFileSync(p);
      writeFileSync(`${p}.br`, brotliCompressSync(raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length } }));
      writeFileSync(`${p}.gz`, gzipSync(raw, { level: 9 }));
    }
  }
}

/** Builds the dashboard into `outDir`; returns the output files and their sizes in bytes (uncompressed). */
export async function buildWeb(outDir = WEB_OUT): Promise<Record<string, number>> {
  // a source saved while the build runs makes the build stale
  const startedAtMs = Date.now();
  const tmp = `${outDir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  const assets = path.join(tmp, 'assets');
  const result = await build({
    entryPoints: { app: path.join(WEB_SRC, 'src/main.ts'), style: path.join(WEB_SRC, 'src/style.css') },
    bundle: true,
    splitting: true,
    format: 'esm',
    outdir: assets,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    minify: true,
    // browsers only: a Node import in the dashboard or the chart builders fails the build
    platform: 'browser',
    target: ['es2020', 'chrome90', 'firefox90', 'safari15'],
    legalComments: 'eof',
    banner: { js: licenceBanner('wattshift dashboard') },
    charset: 'utf8',
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.entries(result.metafile.outputs);
  const entry = (name: string): string => {
    const hit = outputs.find(([file, o]) => o.entryPoint !== undefined && path.basename(file).startsWith(`${name}-`) && !file.endsWith('.map'));
    if (!hit) throw new Error(`the dashboard build made no ${name} file`);
    return `/assets/${path.basename(hit[0])}`;
  };
  const template = readFileSync(path.join(WEB_SRC, 'index.html'), 'utf8');
  const html = template.replace('{{app.js}}', entry('app')).replace('{{style.css}}', entry('style'));
  if (html.includes('{{')) throw new Error('web/index.html names an asset the build does not make');
  writeFileSync(path.join(tmp, 'index.html'), html);
  const files: Record<string, number> = { 'index.html': Buffer.byteLength(html) };
  for (const [file, o] of outputs) files[path.relative(tmp, path.join(ROOT, file))] = o.bytes;
  compressed(tmp);
  const inputs = Object.keys(result.metafile.inputs)
    .map((p) => path.relative(ROOT, path.resolve(ROOT, p)))
    .filter((p) => !p.startsWith('node_modules'))
    .sort();
  const manifest: Manifest = { builtAtMs: startedAtMs, inputs, files };
  writeFileSync(path.join(tmp, MANIFEST), `${JSON.stringify(manifest, null, 1)}\n`);
  // swapped in whole, so the server never serves half a build
  mkdirSync(path.dirname(outDir), { recursive: true });
  const old = `${outDir}.${process.pid}.old`;
  try {
    renameSync(outDir, old);
  } catch {
    // no previous build
  }
  renameSync(tmp, outDir);
  rmSync(old, { recursive: true, force: true });
  return files;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const t0 = performance.now();
  const files = await buildWeb();
  const kib = (b: number) => `${(b / 1024).toFixed(0)} KiB`;
  for (const [name, bytes] of Object.entries(files).sort()) console.log(`${path.relative(process.cwd(), path.join(WEB_OUT, name))}: ${kib(bytes)}`);
  console.log(`dashboard built in ${(performance.now() - t0).toFixed(0)} ms`);
}
