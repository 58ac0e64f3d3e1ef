/**
 * Before any test: build the report page's chart script (so tests inline the script of the code
 * under test) and the dashboard when a source changed, and make sure dist/ (the compiled JavaScript the `wattshift` command runs, and
 * what process tests spawn) is not older than the sources, rebuilding it when it is. `npm test`
 * builds first, so this only acts when a single test file is run after editing src/.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildReportClient } from '../scripts/build-report-client.ts';
import { buildWeb, webBuildIsStale } from '../scripts/build-web.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const STAMP = join(ROOT, 'dist', '.tsbuildinfo');

/** Newest modification time of the compiled sources (tests excluded), ms. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.case.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function builtAt(): number {
  try {
    return statSync(STAMP).mtimeMs;
  } catch {
    return 0;
  }
}

export default async function setup(): Promise<void> {
  await buildReportClient();
  if (webBuildIsStale()) {
    process.stderr.write('the dashboard (dist/web) is older than web/: building it (npm run build:web)\n');
    await buildWeb();
  }
  if (builtAt() >= newestSource(join(ROOT, 'src'))) return;
  process.stderr.write('dist/ is older than src/: building it (npm run build)\n');
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  const now = new Date();
  utimesSync(STAMP, now, now);
}
