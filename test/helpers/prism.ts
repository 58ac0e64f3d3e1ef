/**
 * A spec-driven mock VTN: Stoplight Prism (`@stoplight/prism-cli`, 5.14.2: the last release that
 * runs on Node 20) serving the patched OpenADR 3.1.0 document on 127.0.0.1 and a free port. It
 * answers every operation with the spec's examples and checks requests against the spec (400 for
 * a bad body, 401 without an Authorization header on a secured operation; it does not check the
 * token). Objects get the first objectType of the enumeration ("PROGRAM"), not their own. For VEN tests that need
 * a VTN without wattshift's (e.g. `const prism = await startPrism(); … prism.url …; await prism.close()`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, beforeAll } from 'vitest';
import { PATCHED_SPEC_FILE } from '../../src/openadr/spec.ts';

/** A running Prism mock. */
export interface PrismMock {
  /** Base URL, e.g. http://127.0.0.1:41234 (the spec's paths hang off it directly). */
  url: string;
  port: number;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

/** Starts Prism on a free port; resolves once it listens (about 3–10 s on a shared 2-core machine). */
export async function startPrism(opts: { spec?: string; dynamic?: boolean; timeoutMs?: number } = {}): Promise<PrismMock> {
  const bin = createRequire(import.meta.url).resolve('@stoplight/prism-cli/dist/index.js');
  const port = await freePort();
  const args = [bin, 'mock', '-h', '127.0.0.1', '-p', String(port), ...(opts.dynamic ? ['-d'] : []), opts.spec ?? PATCHED_SPEC_FILE];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Prism did not start within ${opts.timeoutMs ?? 60_000} ms:\n${log.slice(-2000)}`));
    }, opts.timeoutMs ?? 60_000);
    const onData = (c: Buffer) => {
      log += c.toString();
      if (/Prism is listening/.test(log)) {
        clearTimeout(t);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`Prism exited with ${code}:\n${log.slice(-2000)}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Prism for the tests of one `describe`: started before them (allowing for a slow start) and
 * closed after them; the returned function gives the running mock.
 */
export function prismForSuite(): () => PrismMock {
  let prism: PrismMock | undefined;
  beforeAll(async () => {
    prism = await startPrism();
  }, 90_000);
  afterAll(async () => {
    await prism?.close();
  });
  return () => {
    if (!prism) throw new Error('Prism has not started (prismForSuite() belongs in a describe block)');
    return prism;
  };
}
