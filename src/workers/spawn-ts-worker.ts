/**
 * Starts a worker thread from a `.ts` entry (the HiGHS solver and the finance sweep use it), or
 * names the module a worker pool should load (the server's run executor). Compiled (`.js`), the worker file sits next to this
 * module and loads directly. From TypeScript source (tsx, vitest) a Node 20 worker does not
 * inherit the parent's loader hooks and ignores `execArgv: ['--import', 'tsx']`, so a two-line
 * bootstrap registers tsx inside the worker and then imports the `.ts` entry.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Spawns `entry` (a URL of a `.ts` module beside the caller) as a worker thread, with `workerData` if given. */
export function spawnTsWorker(entry: URL, workerData?: unknown): Worker {
  const options = workerData === undefined ? {} : { workerData };
  if (!entry.href.endsWith('.ts')) return new Worker(entry, options);
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL(entry.href.replace(/\.ts$/, '.js')), options);
  const tsxApi = tsxEsmApi();
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/**
 * The module a worker pool (tinypool) should import for `entry` (a URL of a `.ts` module beside
 * the caller): the compiled `.js` file, or from TypeScript source a `data:` module that
 * registers tsx in the worker and re-exports the entry's default export.
 */
export function workerModuleUrl(entry: URL): string {
  if (!entry.href.endsWith('.ts')) return entry.href;
  if (!import.meta.url.endsWith('.ts')) return entry.href.replace(/\.ts$/, '.js');
  const source = `const api = await import(${JSON.stringify(tsxEsmApi())}); api.register(); const m = await import(${JSON.stringify(entry.href)}); export default m.default;`;
  return `data:text/javascript,${encodeURIComponent(source)}`;
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
