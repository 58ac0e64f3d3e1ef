/**
 * Starts a worker thread from a `.ts` entry (the HiGHS solver and the finance sweep use it). Compiled (`.js`), the worker file sits next to this
 * module and loads directly. From TypeScript source (tsx, vitest) a Node 20 worker does not
 * inherit the parent's loader hooks and ignores `execArgv: ['--import', 'tsx']`, so a two-line
 * bootstrap registers tsx inside the worker and then imports the `.ts` entry.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Spawns `entry` (a URL of a `.ts` module beside the caller) as a worker thread. */
export function spawnTsWorker(entry: URL): Worker {
  if (!entry.href.endsWith('.ts')) return new Worker(entry);
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL(entry.href.replace(/\.ts$/, '.js')));
  const tsxApi = tsxEsmApi();
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { eval: true });
}

/** URL of tsx's ESM API (`tsx/esm/api`), resolved from this module rather than the cwd. */
export function tsxEsmApi(): string {
  const meta = import.meta as ImportMeta & { resolve?: (specifier: string) => string };
  if (typeof meta.resolve === 'function') {
    try {
      return meta.resolve('tsx/esm/api');
    } catch {
      // vitest does not provide import.meta.resolve: fall back to the package's exports map
    }
  }
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports?: Record<string, { import?: { default?: string } } | string> };
  const entry = pkg.exports?.['./esm/api'];
  const rel = typeof entry === 'object' ? entry.import?.default : undefined;
  if (!rel) throw new Error('cannot locate tsx/esm/api to run a worker from TypeScript source; install tsx or compile the project');
  return pathToFileURL(join(dirname(pkgPath), rel)).href;
}
