/**
 * One VTN: its repositories, token service, notifiers and webhook sender over one store. The
 * Fastify plugin (plugin.ts) serves it over HTTP; `startVtn` (server.ts) runs it standalone.
 */
import type { Store } from '../../store/store.ts';
import { OAuthClients } from './auth/clients.ts';
import { TokenService, type TokenOptions } from './auth/tokens.ts';
import { VtnContext } from './context.ts';
import { CallbackGuard, type CallbackPolicy } from './notify/callback-guard.ts';
import { connectExternalBroker, startEmbeddedBroker, type ExternalBrokerOptions, type MqttNotifier } from './notify/mqtt.ts';
import { Outbox } from './notify/outbox.ts';
import { WebhookSender, type WebhookOptions } from './notify/webhooks.ts';
import { EventRepository } from './repo/events.ts';
import { ProgramRepository } from './repo/programs.ts';
import { ReportRepository } from './repo/reports.ts';
import { ResourceRepository } from './repo/resources.ts';
import { SubscriptionRepository } from './repo/subscriptions.ts';
import { VenRepository } from './repo/vens.ts';

/** How notifications are delivered. */
export interface DeliveryOptions extends WebhookOptions {
  /** Callback networks the operator allows (default: none, so webhook subscriptions are refused). */
  callbacks?: CallbackPolicy;
  /** Do not start the webhook sender (deliveries stay queued; tests of the queue). */
  paused?: boolean;
}

/** MQTT binding: an embedded broker, an external one, or none. */
export type NotifierOptions =
  | { mqtt: { embedded: { host?: string; port: number; advertisedHost?: string; prefix?: string; /** ms between revocation checks of connected clients (default 5,000) */ revocationCheckMs?: number } } }
  | { mqtt: { external: ExternalBrokerOptions } }
  | { mqtt?: undefined };

/** Options of a VTN. */
export interface VtnOptions {
  store: Store;
  /** Token settings (issuer, audience, lifetime, an external issuer). */
  auth?: TokenOptions & {
    /** Issue tokens at /auth/token (default true; false: 501, clients use the external issuer). */
    issueTokens?: boolean;
    /** Token URL given by /auth/server when tokens come from the external issuer. */
    externalTokenUrl?: string;
  };
  notifier?: NotifierOptions;
  delivery?: DeliveryOptions;
  /**
   * Longest a batch of writes runs before it commits, ms (default: 4 on SQLite, no bound on
   * PostgreSQL; repo/write-queue.ts).
   */
  writeBatchMaxMs?: number;
  /** Clock, UTC ms (tests). */
  now?: () => number;
}

/** A VTN over one store. */
export interface Vtn {
  readonly store: Store;
  readonly clients: OAuthClients;
  readonly tokens: TokenService;
  readonly programs: ProgramRepository;
  readonly events: EventRepository;
  readonly reports: ReportRepository;
  readonly subscriptions: SubscriptionRepository;
  readonly vens: VenRepository;
  readonly resources: ResourceRepository;
  readonly webhooks: WebhookSender;
  readonly mqtt: MqttNotifier | null;
  readonly guard: CallbackGuard;
  readonly context: VtnContext;
  readonly options: VtnOptions;
  /** Stops the webhook sender and the MQTT notifier (the store stays open). */
  close(): Promise<void>;
}

/** Builds a VTN: loads or makes the signing key, starts the MQTT notifier and the webhook sender. */
export async function createVtn(opts: VtnOptions): Promise<Vtn> {
  const now = opts.now ?? Date.now;
  const { store } = opts;
  const clients = new OAuthClients(store, now);
  const tokens = await TokenService.open(store, clients, { ...opts.auth, now });
  const guard = new CallbackGuard(opts.delivery?.callbacks ?? { allow: [] });
  // the sender's writes share the API's group commits (the context is made below)
  const made: { context?: VtnContext } = {};
  // (they change subscriptions' status, which the outbox reads once per transaction)
  const webhooks = new WebhookSender(store, guard, { now, ...opts.delivery }, (fn) => {
    const context = made.context;
    if (!context) return store.transaction(fn);
    return context.writes.run(async (trx) => {
      try {
        return await fn(trx);
      } finally {
        context.outbox.forget(trx);
      }
    });
  });
  let mqtt: MqttNotifier | null = null;
  const m = opts.notifier?.mqtt;
  if (m && 'embedded' in m) {
    const venIdOf = async (clientId: string) => (await store.db.selectFrom('oadr_vens').select('id').where('client_id', '=', clientId).executeTakeFirst())?.id ?? null;
    mqtt = await startEmbeddedBroker({ ...m.embedded, verify: (t) => tokens.verify(t), venIdOf, now, revokedAmong: (ids) => clients.revokedAmong(ids) });
  } else if (m && 'external' in m) {
    mqtt = await connectExternalBroker(m.external);
  }
  const outbox = new Outbox({ now, mqttPrefix: mqtt ? mqtt.prefix : null });
  const context = new VtnContext(store, outbox, guard, now, (pubs) => {
    if (pubs.length && mqtt) mqtt.publish(pubs);
    webhooks.wake();
  }, opts.writeBatchMaxMs);
  made.context = context;
  if (!opts.delivery?.paused) webhooks.start();
  let closed = false;
  return {
    store,
    clients,
    tokens,
    programs: new ProgramRepository(context),
    events: new EventRepository(context),
    reports: new ReportRepository(context),
    subscriptions: new SubscriptionRepository(context),
    vens: new VenRepository(context),
    resources: new ResourceRepository(context),
    webhooks,
    mqtt,
    guard,
    context,
    options: opts,
    async close() {
      if (closed) return;
      closed = true;
      await webhooks.stop();
      await mqtt?.close();
    },
  };
}
