/**
 * An MQTT subscription at a VTN's broker that logs in the way the VTN's notifier says
 * (OAUTH2_BEARER_TOKEN: username = clientID, password = an access token) and keeps logging in
 * after that token has expired. A broker checks the token when a client connects, so the token of
 * the first login is no good for a reconnect an hour later; and MQTT.js's own reconnecting sends
 * the password it was first given, and stops for good at the first refused login. Here each
 * reconnect waits for a valid token (the client renews it when near its end, or anew after a
 * refusal) before it connects, and subscribes again when the broker kept no session. A login
 * without a kept session (the broker restarted, or dropped the session) may have missed
 * notifications made while the client was away: `onCatchUp` is called once subscribed again, so
 * the caller lists what it missed at once instead of waiting for its next poll.
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { OpenAdrClient } from './client.ts';

/** MQTT CONNACK codes of a refused login: 3.1.1 bad credentials / not authorised, 5.0 the same. */
const LOGIN_REFUSED = new Set([4, 5, 134, 135]);

/** Options of a token login (MQTT.js options; username and password are set here). */
export interface TokenLoginOptions extends Omit<IClientOptions, 'username' | 'password'> {
  /** Topics subscribed at QoS 1, at the first login and at every login without a kept session. */
  topics: string[];
  /** Each message (attached before the first login, so nothing a kept session hands over is missed). */
  onMessage: (topic: string, payload: Buffer) => void;
  /** Called with a failed token fetch, a refused login or a failed subscription (the connection keeps trying). */
  onError?: (e: Error) => void;
  /** Called after a reconnect without a kept session has subscribed again (notifications may have been lost meanwhile). */
  onCatchUp?: () => void;
}

/** Connects to `uri` as `client` with its access token, subscribes, and reconnects with a valid token until ended. */
export async function connectWithToken(uri: string, client: OpenAdrClient, opts: TokenLoginOptions): Promise<MqttClient> {
  const { topics, onMessage, onError, onCatchUp, reconnectPeriod = 2000, ...options } = opts;
  // MQTT.js reconnects by itself only with reconnectPeriod > 0: the reconnects are made below
  const mc = mqtt.connect(uri, { ...options, username: client.opts.clientId, password: await client.accessToken(), reconnectPeriod: 0 });
  mc.on('message', (topic, payload) => onMessage(topic, payload));
  // an 'error' without a listener would be thrown: errors are heard from here on
  const quiet = () => undefined;
  mc.on('error', quiet);
  const login = () =>
    new Promise<void>((resolve, reject) => {
      const fail = (e: Error) => {
        mc.off('connect', ok);
        reject(e);
      };
      const ok = () => {
        mc.off('error', fail);
        resolve();
      };
      mc.once('connect', ok);
      mc.once('error', fail);
    });
  try {
    await login().catch(async (e: Error & { code?: number | string }) => {
      // a token the broker no longer takes (it ran out on the way, or the VTN's key changed): once more with a new one
      if (!(typeof e.code === 'number' && LOGIN_REFUSED.has(e.code))) throw e;
      mc.options.password = await client.accessToken({ renew: true });
      const again = login();
      mc.reconnect();
      await again;
    });
  } catch (e) {
    await mc.endAsync(true);
    throw e;
  }

  let refused = false;
  let timer: NodeJS.Timeout | undefined;
  const again = async () => {
    timer = undefined;
    if (mc.disconnecting || mc.connected) return;
    try {
      mc.options.password = await client.accessToken({ renew: refused });
      refused = false;
    } catch (e) {
      onError?.(new Error(`MQTT login at ${uri}: no new access token (${(e as Error).message})`));
    }
    if (!mc.disconnecting && !mc.connected) mc.reconnect();
  };
  mc.on('close', () => {
    if (reconnectPeriod > 0 && !mc.disconnecting && !timer) timer = setTimeout(() => void again(), reconnectPeriod);
  });
  mc.on('end', () => clearTimeout(timer));
  mc.on('connect', (connack) => {
    if (connack.sessionPresent) return;
    mc.subscribe(topics, { qos: 1 }, (e) => {
      if (e) onError?.(new Error(`MQTT subscription at ${uri} after a new login: ${e.message}`));
      else onCatchUp?.();
    });
  });
  mc.on('error', (e: Error & { code?: number | string }) => {
    // socket errors (the broker away) only wait for the next attempt; a refused login needs a new token
    if (typeof e.code === 'number' && LOGIN_REFUSED.has(e.code)) {
      refused = true;
      onError?.(new Error(`MQTT login at ${uri} refused (${e.message}); trying again with a new access token`));
    }
  });
  mc.off('error', quiet);
  // (after the listeners: an error while subscribing must find one)
  try {
    await mc.subscribeAsync(topics, { qos: 1 });
  } catch (e) {
    await mc.endAsync(true);
    throw e;
  }
  return mc;
}
