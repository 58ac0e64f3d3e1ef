/**
 * Settings of the HTTP server and their defaults (docs/api.md explains each; `wattshift serve
 * --help` names the flags).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { EXAMPLES_DIR } from './bundles.ts';

/** Server settings. */
export interface ServerOptions {
  /** Software version recorded on runs and shown by the API. */
  version: string;
  /** Folder scenario uploads may take named files from (`--data-root`); none by default. */
  dataRoot?: string;
  /** Folder of the bundled examples (runs may name them: `{"example": "texas-single-site"}`). */
  examplesDir: string;
  /** Folder of the built dashboard (`index.html` and `assets/`), served at `/` when it exists (default dist/web). */
  webDir?: string;
  /** Largest JSON request body, bytes (default 10 MB). */
  bodyLimitBytes: number;
  /** Largest scenario upload (JSON bundle or archive), bytes, and what an archive may expand to (default 100 MB). */
  uploadLimitBytes: number;
  /** Requests per minute per token (or per address without one); 0 turns the limit off (default 1,200). */
  rateLimitPerMinute: number;
  /** Failed authentications per minute per address before 429 (default 30). */
  authFailuresPerMinute: number;
  /** Origins allowed by CORS; empty (the default) sends no CORS headers. */
  corsOrigins: string[];
  /** Trust X-Forwarded-For from a proxy in front (default false). */
  trustProxy: boolean;
  /** Seconds between heartbeat comments on event streams (default 15). */
  sseHeartbeatSeconds: number;
  /** Seconds between store checks of a run's status on event streams (default 2). */
  ssePollSeconds: number;
}

/** The package version (package.json). */
export const PACKAGE_VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/**
 * The built dashboard (dist/web, made by `npm run build`): beside the compiled server when
 * running from dist/, or in dist/ when running from the sources.
 */
function builtWebDir(): string | undefined {
  for (const rel of ['../web/', '../../dist/web/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}index.html`)) return dir;
  }
  return undefined;
}

/** Defaults of {@link ServerOptions}. */
export function defaultServerOptions(): ServerOptions {
  return {
    version: PACKAGE_VERSION,
    examplesDir: EXAMPLES_DIR,
    ...(builtWebDir() ? { webDir: builtWebDir() } : {}),
    bodyLimitBytes: 10 * 2 ** 20,
    uploadLimitBytes: 100 * 2 ** 20,
    rateLimitPerMinute: 1200,
    authFailuresPerMinute: 30,
    corsOrigins: [],
    trustProxy: false,
    sseHeartbeatSeconds: 15,
    ssePollSeconds: 2,
  };
}
