/**
 * `wattshift serve` may be stopped the moment it says it serves: a service manager (or a script)
 * that sends SIGTERM right after the URL line gets a clean stop (exit code 0), never the default
 * action of a signal nobody listens for yet (the process killed, exit code null). Before the fix
 * the line came before the handler, and a loaded machine lost that race in most tries.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServe } from '../helpers/serve-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'wattshift-serve-stop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('wattshift serve and SIGTERM', () => {
  it('stops cleanly when SIGTERM comes as soon as the URL is printed', async () => {
    const codes: Array<number | null> = [];
    for (let i = 0; i < 4; i++) {
      const server = await startServe(join(dir, `s${i}.db`), ['--no-vtn']);
      codes.push(await server.stop());
    }
    expect(codes).toEqual([0, 0, 0, 0]);
  }, 60_000);
});
