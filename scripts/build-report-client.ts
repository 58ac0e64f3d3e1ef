/**
 * Builds the report page's chart script (src/report/client/main.ts with the parts of ECharts it
 * uses) into one minified browser file, dist/report-client.js, which the HTML report inlines.
 * Run by `npm run build:report`, by npm after install (`prepare`) and before the tests.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Entry of the page script. */
export const CLIENT_ENTRY = path.join(ROOT, 'src/report/client/main.ts');
/** Where the bundle goes (read by src/report/client-bundle.ts). */
export const CLIENT_BUNDLE = path.join(ROOT, 'dist/report-client.js');

/**
 * Makes script text safe inside an HTML <script> element: "</script" and "<!--" can only occur
 * in strings, regular expressions or comments of minified code, where "<\/" and "<\!" mean the same.
 */
export function inlineSafe(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** Bundles and minifies the page script for browsers; returns its size in bytes. */
export async function buildReportClient(outfile = CLIENT_BUNDLE): Promise<number> {
  const result = await build({
    entryPoints: [CLIENT_ENTRY],
    bundle: true,
    minify: true,
    format: 'iife',
    // browsers only: a Node import in the charts or the page script fails the build
    platform: 'browser',
    target: ['es2020', 'chrome90', 'firefox90', 'safari15'],
    legalComments: 'eof',
    charset: 'utf8',
    write: false,
    logLevel: 'warning',
  });
  const code = inlineSafe(result.outputFiles[0]!.text);
  mkdirSync(path.dirname(outfile), { recursive: true });
  // written beside and renamed, so a report never inlines half a bundle
  const tmp = `${outfile}.${process.pid}.tmp`;
  writeFileSync(tmp, code);
  renameSync(tmp, outfile);
  return Buffer.byteLength(code);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const t0 = performance.now();
  const bytes = await buildReportClient();
  const rel = path.relative(process.cwd(), CLIENT_BUNDLE);
  console.log(`${rel}: ${(bytes / 1024).toFixed(0)} KiB in ${(performance.now() - t0).toFixed(0)} ms`);
}
