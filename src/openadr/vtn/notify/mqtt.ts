/**
 * The MQTT notifier: notifications published as JSON on the topics of topics.ts, through an
 * embedded broker (aedes, on an address and port of the operator's choosing) or an external
 * broker the VTN connects to as a client (MQTT.js).
 *
 * Embedded broker authentication is the spec's OAUTH2_BEARER_TOKEN method: the MQTT username is
 * the client's clientID and the password its VTN access token (verified as on the HTTP API).
 * A VEN may subscribe only under `vens/{its VEN id}/`; business-logic clients anywhere; clients
 * may not publish. Messages are sent with QoS 1 after the change has committed; they are not
 * stored: a subscriber that is offline misses them (webhooks are the durable binding). A
 * connection lasts as long as the token it logged in with: the broker closes it when the token
 * expires, and the client logs in again with a new one.
 *
 * With an external broker, access control is that broker's (give VENs the same rule there).
 */
import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { decodeJwt } from 'jose';
import mqtt from 'mqtt';
import type { Principal } from '../auth/scopes.ts';
import { CLIENT_CACHE_MS } from '../auth/tokens.ts';
import type { Publication } from './outbox.ts';
import { venMaySubscribe } from './topics.ts';

/** The spec's mqttNotifierBindingObject.authentication. */
export type MqttAuthentication = { method: 'ANONYMOUS' } | { method: 'OAUTH2_BEARER_TOKEN'; username: string };

/** A running MQTT notifier. */
export interface MqttNotifier {
  /** Broker URIs clients connect to (listed by GET /notifiers). */
  readonly uris: string[];
  readonly authentication: MqttAuthentication;
  /** Prefix of every topic ('' by default). */
  readonly prefix: string;
  /** Publishes messages (QoS 1); failures are logged, not thrown. */
  publish(pubs: readonly Publication[]): void;
  close(): Promise<void>;
}

/** Options of the embedded broker. */
export interface EmbeddedBrokerOptions {
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (0: any free port). */
  port: number;
  /** Host name put in the advertised URI (default: host). */
  advertisedHost?: string;
  prefix?: string;
  /** Verifies an access token (the VTN's TokenService.verify). */
  verify: (token: string) => Promise<Principal>;
  /** The VEN object id of a VEN client, if it has one. */
  venIdOf: (clientId: string) => Promise<string | null>;
  /** Clock, UTC ms (default Date.now), against which tokens expire. */
  now?: () => number;
  /** Which of these (connected) clients are revoked: their logins are closed. */
  revokedAmong?: (clientIds: string[]) => Promise<Set<string>>;
  /** How often connected clients are checked for revocation, ms (default CLIENT_CACHE_MS, as for HTTP requests). */
  revocationCheckMs?: number;
}

const PRINCIPAL = Symbol('principal');
const EXPIRY = Symbol('expiry');

type BrokerClient = Client & { [PRINCIPAL]?: Principal; [EXPIRY]?: NodeJS.Timeout };

/** Longest wait a timer takes, ms (about 24.8 days); a token that lives longer is not timed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function authError(message: string, code: 4 | 5): AuthenticateError {
  return Object.assign(new Error(message), { returnCode: code }) as AuthenticateError;
}

/** Starts an aedes broker that authenticates clients with VTN access tokens. */
export async function startEmbeddedBroker(o: EmbeddedBrokerOptions): Promise<MqttNotifier> {
  const prefix = o.prefix ?? '';
  const now = o.now ?? Date.now;
  const broker = await Aedes.createBroker({
    authenticate(client, username, password, done) {
      const token = password?.toString('utf8') ?? '';
      o.verify(token).then(
        (p) => {
          if (username && username !== p.clientId) return done(authError(`username must be the clientID ${p.clientId}`, 4), false);
          const c = client as BrokerClient;
          c[PRINCIPAL] = p;
          // the login lasts as long as its token: closed at the token's expiry (the client logs in again)
          const exp = expiryOf(token);
          clearTimeout(c[EXPIRY]);
          if (exp !== undefined && exp - now() <= MAX_TIMER_MS) c[EXPIRY] = setTimeout(() => c.close(), Math.max(0, exp - now())).unref();
          done(null, true);
        },
        () => done(authError('bad or expired access token', 4), false),
      );
    },
    authorizePublish(client, _packet, callback) {
      // only the VTN itself (client null) publishes
      callback(client ? new Error('clients may not publish on the VTN broker') : null);
    },
    authorizeSubscribe(client, sub, callback) {
      const p = (client as BrokerClient)[PRINCIPAL];
      if (!p) return callback(null, null);
      if (p.role === 'bl') return callback(null, sub);
      o.venIdOf(p.clientId).then(
        (venId) => callback(null, venMaySubscribe(prefix, sub.topic, venId) ? sub : null),
        () => callback(null, null),
      );
    },
  });
  broker.on('clientDisconnect', (client) => clearTimeout((client as BrokerClient)[EXPIRY]));
  // a revoked client's login ends within a check period, as its HTTP requests do (not at its token's expiry)
  const revokedAmong = o.revokedAmong;
  let sweeping = false;
  const sweep = revokedAmong
    ? setInterval(() => {
        if (sweeping) return;
        // aedes keeps its connected clients by id (not in its type declarations)
        const connected = Object.values((broker as unknown as { clients: Record<string, BrokerClient> }).clients).filter((c) => c[PRINCIPAL] !== undefined);
        if (connected.length === 0) return;
        sweeping = true;
        revokedAmong([...new Set(connected.map((c) => c[PRINCIPAL]!.clientId))])
          .then((revoked) => {
            for (const c of connected) if (revoked.has(c[PRINCIPAL]!.clientId)) c.close();
          })
          .catch((e: Error) => console.error(`MQTT revocation check failed: ${e.message}`))
          .finally(() => (sweeping = false));
      }, o.revocationCheckMs ?? CLIENT_CACHE_MS).unref()
    : undefined;
  const server: Server = createServer(broker.handle);
  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shown = o.advertisedHost ?? host;
  return {
    uris: [`mqtt://${shown.includes(':') ? `[${shown}]` : shown}:${port}`],
    authentication: { method: 'OAUTH2_BEARER_TOKEN', username: '{clientID}' },
    prefix,
    publish(pubs) {
      for (const m of pubs) {
        broker.publish({ cmd: 'publish', topic: m.topic, payload: Buffer.from(m.payload), qos: 1, retain: false, dup: false }, (err) => {
          if (err) console.error(`MQTT publish on ${m.topic} failed: ${err.message}`);
        });
      }
    },
    async close() {
      clearInterval(sweep);
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The expiry of a (verified) JWT access token, UTC ms, or undefined when it states none. */
function expiryOf(token: string): number | undefined {
  try {
    const exp = decodeJwt(token).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** Options of an external broker. */
export interface ExternalBrokerOptions {
  /** Broker URL the VTN connects to (mqtt://, mqtts://, ws://, wss://). */
  url: string;
  username?: string;
  password?: string;
  /** URIs advertised to clients (default: url). */
  advertisedUris?: string[];
  /** What clients are told about authenticating (default ANONYMOUS). */
  authentication?: MqttAuthentication;
  prefix?: string;
}

/** Connects to an external broker as a publisher. */
export async function connectExternalBroker(o: ExternalBrokerOptions): Promise<MqttNotifier> {
  const client = await mqtt.connectAsync(o.url, { username: o.username, password: o.password, clientId: `wattshift-vtn-${process.pid}-${Math.random().toString(36).slice(2, 8)}`, reconnectPeriod: 1000 });
  return {
    uris: o.advertisedUris ?? [o.url],
    authentication: o.authentication ?? { method: 'ANONYMOUS' },
    prefix: o.prefix ?? '',
    publish(pubs) {
      for (const m of pubs) {
        client.publish(m.topic, m.payload, { qos: 1 }, (err) => {
          if (err) console.error(`MQTT publish on ${m.topic} failed: ${err.message}`);
        });
      }
    },
    async close() {
      await client.endAsync();
    },
  };
}
