/** Ctrl-C during a long plan ends the command cleanly with exit code 130 and no output folder. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runInProcess } from './run-cli.ts';
import { main } from '../../src/cli/main.ts';

const tmp = mkdtempSync(join(tmpdir(), 'wattshift-cancel-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('cancelling a command', () => {
  it('stops a year-long optimal plan on SIGINT: exit 130, nothing written', async () => {
    const out = join(tmp, 'plan');
    const lp = join(tmp, 'texas.lp');
    const child = spawn(process.execPath, [BIN, 'plan', 'examples/texas-single-site.yaml', '--export-lp', lp, '--out', out], { cwd: ROOT });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    // the exported model appears (atomically) just before planning starts: interrupt then
    while (!existsSync(lp) && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    const t0 = performance.now();
    child.kill('SIGINT');
    const code = await exited;
    expect(code, err).toBe(130);
    expect(err).toMatch(/cancelled/);
    expect(err).not.toContain('internal error');
    // the solve alone takes about 8 s on an idle 2-core machine (longer on a busy one) and has
    // barely begun: a cancel that waited for it would take longer than this
    expect(performance.now() - t0).toBeLessThan(6000);
    expect(existsSync(out)).toBe(false);
  });

  it('maps a cancelled use case to exit code 130 in-process', async () => {
    const c = new AbortController();
    c.abort();
    let err = '';
    const code = await main(['node', 'wattshift', 'simulate', join(ROOT, 'examples/phoenix-2025.yaml')], { out: () => undefined, err: (t) => (err += t), signal: c.signal });
    expect(code).toBe(130);
    expect(err).toContain('cancelled');
    // and without a signal the same command still runs
    expect((await runInProcess(['simulate', join(ROOT, 'examples/phoenix-2025.yaml'), '--json'])).code).toBe(0);
  });
});
