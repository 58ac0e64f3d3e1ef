/**
 * Builds the report page's chart script (src/report/client/main.ts with the parts of ECharts it
 * uses) into one minified browser file, dist/report-client.js, which the HTML report inlines.
 * Run by `npm run build:report`, by npm after install (`prepare`) and before the tests.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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

/**
 * Licence notices of the bundled libraries, as the first comment of a script (`what` names it): ECharts'
 * Apache-2.0 header and NOTICE (as in its own echarts.min.js) and ZRender's BSD-3-Clause text.
 */
export function licenceBanner(what = 'wattshift report charts'): string {
  const read = (p: string) => readFileSync(path.join(ROOT, 'node_modules', p), 'utf8').trim().replace(/\*\//g, '* /');
  const version = (p: string) => (JSON.parse(readFileSync(path.join(ROOT, 'node_modules', p, 'package.json'), 'utf8')) as { version: string }).version;
  return [
    `/*! ${what}. Bundles:`,
    `Apache ECharts ${version('echarts')}, licensed under the Apache License, Version 2.0 (http://www.apache.org/licenses/LICENSE-2.0);`,
    'distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.',
    read('echarts/NOTICE'),
    '',
    `ZRender ${version('zrender')}:`,
    read('zrender/LICENSE'),
    '*/',
  ].join('\n');
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
    banner: { js: licenceBanner() },
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
