/**
 * A standalone VTN: the plugin on its own Fastify server (`wattshift vtn serve`), for running the
 * VTN without the rest of `wattshift serve`, and for VEN development and tests.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { openadrVtn } from './plugin.ts';
import { createVtn, type Vtn, type VtnOptions } from './vtn.ts';

/** The path prefix the VTN is served under (as in `wattshift serve`). */
export const VTN_PREFIX = '/openadr3/3.1.0';

/** Options of a standalone VTN. */
export interface StartVtnOptions extends VtnOptions {
  /** Port (0: any free port). */
  port: number;
  /** Address (default 127.0.0.1). */
  host?: string;
  /** Path prefix (default /openadr3/3.1.0). */
  prefix?: string;
  /** Fastify's logger (default off). */
  logger?: boolean;
}

/** A running standalone VTN. */
export interface RunningVtn {
  /** Base URL of the API, e.g. http://127.0.0.1:8080/openadr3/3.1.0. */
  url: string;
  port: number;
  vtn: Vtn;
  app: FastifyInstance;
  /** Stops the server, the webhook sender and the MQTT notifier (not the store). */
  close(): Promise<void>;
}

/** Starts a VTN on its own HTTP server. */
export async function startVtn(opts: StartVtnOptions): Promise<RunningVtn> {
  const vtn = await createVtn(opts);
  const app = Fastify({ logger: opts.logger ?? false, forceCloseConnections: true });
  const prefix = opts.prefix ?? VTN_PREFIX;
  try {
    await app.register(openadrVtn, { vtn, prefix });
    await app.listen({ port: opts.port, host: opts.host ?? '127.0.0.1' });
  } catch (e) {
    await app.close().catch(() => undefined);
    await vtn.close();
    throw e;
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const host = opts.host ?? '127.0.0.1';
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}${prefix}`,
    port,
    vtn,
    app,
    async close() {
      await app.close();
      await vtn.close();
    },
  };
}
