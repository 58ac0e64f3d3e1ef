/** Helpers to run the CLI in-process (fast, for fuzzing) or as a real process. */
import { spawnSync } from 'node:child_process';
import { main } from '../../src/cli/main.ts';
import { BIN, ROOT } from './paths.ts';

export { BIN, ROOT };

/** Runs `wattshift args…` in this process and captures its output. */
export async function runInProcess(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'wattshift', ...args], { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/** Runs `wattshift args…` as a child process. */
export function runProcess(args: string[], cwd = ROOT): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}
