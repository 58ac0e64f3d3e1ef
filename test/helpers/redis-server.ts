/**
 * A private redis-server for a test: on 127.0.0.1 and a random free port, its files in a
 * temporary folder, stopped (and its folder removed) by `stop()`. Tests skip with the reason
 * when the binary is missing, except in CI (CI=true), where that is an error: .ci/run installs it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running redis-server. */
export interface TestRedis {
  port: number;
  url: string;
  /** Stops it: SHUTDOWN NOSAVE, or with `crash` a SIGKILL (what is not in the append-only file is lost). */
  stop(opts?: { crash?: boolean }): Promise<void>;
  /** Starts it again on the same port and folder (reloads the append-only file, if on). */
  start(): Promise<void>;
  /** Runs redis-cli with these arguments; returns its output. */
  cli(...args: string[]): string;
  /** Stops it and removes its folder. */
  dispose(): Promise<void>;
}

/** Why Redis tests cannot run here, or undefined when redis-server is installed. */
export function redisSkipReason(): string | undefined {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (r.status === 0) return undefined;
  const why = 'redis-server is not installed (apt-get install redis-server); the queue tests need it';
  if (process.env.CI) throw new Error(`${why}. CI must run them (see .ci/run).`);
  return why;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a redis-server; `appendonly` makes it persist every write (for restart tests). */
export async function startRedis(opts: { appendonly?: boolean } = {}): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'wattshift-redis-'));
  const cli = (...args: string[]) => execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8', timeout: 10_000 }).trim();
  const ping = () => spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'ping'], { encoding: 'utf8', timeout: 5_000 }).stdout.trim() === 'PONG';
  const start = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'yes', '--pidfile', join(dir, 'redis.pid'), '--logfile', join(dir, 'redis.log')];
    args.push('--appendonly', opts.appendonly ? 'yes' : 'no');
    if (opts.appendonly) args.push('--appendfsync', 'always');
    execFileSync('redis-server', args);
    for (let i = 0; i < 100 && !ping(); i++) await sleep(50);
    if (!ping()) throw new Error(`redis-server did not start on port ${port}`);
  };
  const stop = async (o: { crash?: boolean } = {}) => {
    if (o.crash) {
      try {
        process.kill(Number(readFileSync(join(dir, 'redis.pid'), 'utf8').trim()), 'SIGKILL');
      } catch {
        // already gone
      }
    } else spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'shutdown', 'nosave'], { timeout: 10_000 });
    for (let i = 0; i < 100 && ping(); i++) await sleep(50);
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    start,
    cli,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
