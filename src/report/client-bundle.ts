/**
 * The report page's chart script, built ahead of time by `npm run build:report` (see
 * scripts/build-report-client.ts) and read once per process, with the SHA-256 the page's
 * Content-Security-Policy allows it by.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The inline script and its CSP source expression. */
export interface ClientScript {
  code: string;
  /** "'sha256-…'" for the page's script-src. */
  cspHash: string;
}

let cached: ClientScript | undefined;

/** The package root: the nearest folder above this module with a package.json. */
function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('wattshift: package root not found above src/report');
    dir = up;
  }
}

/** Path of the built chart script. */
export function clientBundlePath(): string {
  return path.join(packageRoot(), 'dist', 'report-client.js');
}

/** The built chart script; a clear error when it has not been built. */
export function reportClientScript(): ClientScript {
  if (cached) return cached;
  const file = clientBundlePath();
  if (!existsSync(file)) throw new Error(`The report's chart script ${file} is missing: run "npm run build:report" (npm install runs it too), or render the report with interactive: false`);
  const code = readFileSync(file, 'utf8');
  cached = { code, cspHash: `'sha256-${createHash('sha256').update(code, 'utf8').digest('base64')}'` };
  return cached;
}
