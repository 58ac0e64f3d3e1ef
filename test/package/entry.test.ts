/**
 * What users install: the package's one entry point resolves to compiled JavaScript with types,
 * the `wattshift` command runs compiled JavaScript (no TypeScript loader), a JSON-only run never
 * loads the chart renderer, and the published file list holds what it should and no tests.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PHOENIX = join(ROOT, 'examples', 'phoenix-2025.yaml');

/** Registers a resolve hook that prints every module URL loaded (one per line, on stderr). */
const TRACE_HOOK = `data:text/javascript,${encodeURIComponent(
  `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent('export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write("LOADED " + r.url + "\\\\n"); return r; }'));`,
)}`;

/** Runs an ES module snippet in a fresh Node process inside the package, returning stdout and the modules it loaded. */
function runTraced(args: string[]): { out: string; loaded: string[]; status: number | null; err: string } {
  const r = spawnSync(process.execPath, ['--import', TRACE_HOOK, ...args], { cwd: ROOT, encoding: 'utf8' });
  const loaded = r.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice('LOADED '.length));
  return { out: r.stdout, loaded, status: r.status, err: r.stderr.split('\n').filter((l) => !l.startsWith('LOADED ')).join('\n') };
}

describe('the package entry point', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, { types: string; import: string }>; bin: Record<string, string>; types: string };

  it('maps "." to compiled JavaScript and its type declarations', () => {
    const dot = pkg.exports['.']!;
    expect(dot.import).toBe('./dist/index.js');
    expect(dot.types).toBe('./dist/index.d.ts');
    expect(pkg.types).toBe(dot.types);
    for (const f of [dot.import, dot.types]) expect(existsSync(join(ROOT, f)), f).toBe(true);
    expect(readFileSync(join(ROOT, 'dist/index.d.ts'), 'utf8')).toContain("export * from './app/index");
  });

  it('runs a use case from `import "wattshift"` without loading ECharts until files are asked for', () => {
    const code = `
      const w = await import('wattshift');
      const r = await w.runSimulate({ scenario: { file: ${JSON.stringify(PHOENIX)} } }, { solverFactory: w.defaultSolverFactory });
      console.log('pue', r.json.fleet.pue);
      console.log('--- files');
      process.stderr.write('LOADED --files--\\n');
      console.log((await r.files()).map((f) => f.name).join(','));`;
    const r = runTraced(['--input-type=module', '-e', code]);
    expect(r.status, r.err).toBe(0);
    const cut = r.out.indexOf('--- files');
    expect(r.out.slice(0, cut)).toMatch(/pue 1\.\d+/);
    expect(r.out.slice(cut)).toContain('summary.json,ledger.csv,bills.csv,report.html');
    const entry = r.loaded.find((u) => u.endsWith('/dist/index.js'));
    expect(entry, 'wattshift resolves to dist/index.js').toBeDefined();
    expect(r.loaded.some((u) => u.endsWith('.ts'))).toBe(false);
    // the trace is in load order: the report renderer and ECharts come only with files()
    const marker = r.loaded.indexOf('--files--');
    expect(marker).toBeGreaterThan(0);
    const echartsAt = r.loaded.findIndex((u) => u.includes('/node_modules/echarts/'));
    const reportAt = r.loaded.findIndex((u) => u.endsWith('/dist/report/index.js'));
    expect(echartsAt).toBeGreaterThan(marker);
    expect(reportAt).toBeGreaterThan(marker);
  });

  it('runs the command from compiled JavaScript, without a TypeScript loader or ECharts for --help', () => {
    const r = runTraced([join(ROOT, pkg.bin.wattshift!), '--help']);
    expect(r.status, r.err).toBe(0);
    expect(r.out).toContain('Examples:');
    expect(r.loaded.some((u) => u.endsWith('/dist/cli/main.js'))).toBe(true);
    expect(r.loaded.filter((u) => u.includes('/tsx/') || u.endsWith('.ts'))).toEqual([]);
    expect(r.loaded.filter((u) => u.includes('/echarts/'))).toEqual([]);
  });

  it('publishes dist, bin, schema, spec, examples, README and licences, and no tests', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    const files = (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'dist/optimize/highs-worker.js', 'dist/finance/sweep-job.js', 'dist/decompose/process-worker.js', 'bin/wattshift.mjs', 'schema/scenario.schema.json', 'spec/openadr3/LICENSE', 'spec/openadr3/NOTICE', 'README.md', 'LICENSE', 'examples/texas-single-site.yaml']) {
      expect(files, f).toContain(f);
    }
    expect(files.filter((f) => /\.test\.|\.case\.|^test\/|^src\/|^bench\/|tsbuildinfo/.test(f))).toEqual([]);
  });
});
