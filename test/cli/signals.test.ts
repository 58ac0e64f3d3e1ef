/**
 * An interrupted run (SIGTERM, SIGINT) takes its native solver with it and leaves no
 * temporary files: a real `wattshift plan` with CBC, stopped while CBC is solving.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from './run-cli.ts';

const hasCbc = spawnSync('sh', ['-c', 'command -v cbc']).status === 0;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Pids of processes whose command line mentions `text` (the solver is given a path in it). */
function processesMentioning(text: string): number[] {
  const r = spawnSync('pgrep', ['-f', text], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number);
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

async function interrupt(signal: NodeJS.Signals): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'wattshift-signal-'));
  dirs.push(tmp);
  const out = join(tmp, 'out');
  const child = spawn(process.execPath, [BIN, 'plan', join(ROOT, 'examples/texas-single-site.yaml'), '--solver', 'native-cbc', '--json', '--out', out], {
    env: { ...process.env, TMPDIR: tmp },
    stdio: 'ignore',
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, sig) => resolve({ code, signal: sig })));
  const lpDirs = () => readdirSync(tmp).filter((d) => d.startsWith('wattshift-lp-'));
  // CBC is running on the model once a process names the model file in the temporary folder
  const solving = await until(() => lpDirs().some((d) => existsSync(join(tmp, d, 'model.mps'))) && processesMentioning(tmp).length > 0, 90_000);
  expect(solving, 'cbc never started').toBe(true);
  child.kill(signal);
  const end = await exited;
  // the first Ctrl-C cancels the run (exit code 130); SIGTERM ends the process by the signal
  if (signal === 'SIGINT') expect(end.code === 130 || end.signal === 'SIGINT', JSON.stringify(end)).toBe(true);
  else expect(end.signal).toBe(signal);
  expect(await until(() => processesMentioning(tmp).length === 0, 3000), 'the solver outlived wattshift').toBe(true);
  expect(lpDirs()).toEqual([]);
  expect(existsSync(out)).toBe(false);
}

describe('an interrupted run', () => {
  it.skipIf(!hasCbc)('SIGTERM and SIGINT kill the native solver\'s process group and remove its files', async () => {
    await Promise.all([interrupt('SIGTERM'), interrupt('SIGINT')]);
  }, 180_000);
});
