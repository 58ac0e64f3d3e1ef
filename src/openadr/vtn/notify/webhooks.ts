/**
 * Sends the webhook notifications queued in `oadr_deliveries` (durable: rows written in the same
 * transaction as the change, so nothing queued is lost when the process stops; the next start
 * sends what is due).
 *
 * Each delivery is a POST of the notification JSON to the callback URL with
 * `Authorization: Bearer <the callback's bearerToken>`, through undici with:
 * - a time limit per attempt ({@link WebhookOptions.timeoutMs});
 * - redirects not followed (a 3xx counts as a failure: a redirect could lead elsewhere);
 * - the callback policy enforced at connection time (CallbackGuard.lookup) and on literal IPs.
 * A 2xx is success. Otherwise it is retried with exponential back-off and jitter
 * (base × 2^(attempt−1), capped, times a random factor in [0.5, 1)); after `maxAttempts`
 * failures it is given up ("dead") and its subscription is marked broken: it gets no further
 * deliveries until its owner updates it. Broken subscriptions and dead deliveries are listed by
 * `wattshift vtn subscriptions`.
 *
 * Several VTN processes may share a database: a delivery is claimed by moving its next attempt
 * time forward with a conditional UPDATE, so only one process sends it at a time.
 *
 * The sender's writes (claims, removals of delivered rows, retries) go through the VTN's write
 * queue, so they share commits with the API's writes: as separate transactions each cost an
 * fsync on SQLite, and with a subscription on reports they cut the reports accepted per second
 * by a factor of six (`npm run bench -- vtn`).
 */
import { Agent, request } from 'undici';
import type { Db } from '../../../store/database.ts';
import type { Store } from '../../../store/store.ts';
import { CallbackRefused, type CallbackGuard } from './callback-guard.ts';

/** Settings of webhook delivery. */
export interface WebhookOptions {
  /** Time limit of one attempt, ms (default 5,000). */
  timeoutMs?: number;
  /** Attempts before a delivery is given up and its subscription is broken (default 8). */
  maxAttempts?: number;
  /** First retry delay, ms (default 1,000). */
  baseDelayMs?: number;
  /** Longest retry delay, ms (default 300,000). */
  maxDelayMs?: number;
  /** Deliveries sent at once (default 8). */
  concurrency?: number;
  /** How often the queue is checked when nothing wakes it, ms (default 1,000). */
  pollMs?: number;
  /** Clock, UTC ms. */
  now?: () => number;
  /** Random numbers in [0, 1) for jitter. */
  random?: () => number;
  /** Called after each attempt (tests, logs). */
  onAttempt?: (a: DeliveryAttempt) => void;
}

/** The outcome of one attempt. */
export interface DeliveryAttempt {
  deliveryId: string;
  subscriptionId: string;
  url: string;
  attempt: number;
  ok: boolean;
  status?: number;
  error?: string;
  /** What happens next. */
  next: 'done' | 'retry' | 'dead';
  retryInMs?: number;
}

/** Delay before retry number `attempt` (1-based): base × 2^(attempt−1), capped, × [0.5, 1). */
export function backoffMs(attempt: number, base: number, max: number, random: number): number {
  const raw = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.5 + 0.5 * random));
}

/** Runs a write in a transaction (the VTN's write queue; a plain transaction by default). */
export type Writer = <T>(fn: (trx: Db) => Promise<T>) => Promise<T>;

/** How long a claimed delivery is reserved for its sender, ms (then another may retry it). */
const CLAIM_MS = 60_000;

/** Sends queued webhook deliveries. */
export class WebhookSender {
  readonly #o: Required<Omit<WebhookOptions, 'onAttempt'>> & Pick<WebhookOptions, 'onAttempt'>;
  readonly #agent: Agent;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #again = false;
  #stopped = true;
  readonly #inflight = new Set<Promise<void>>();
  #cycle: Promise<void> | undefined;

  readonly #write: Writer;

  constructor(
    private readonly store: Store,
    private readonly guard: CallbackGuard,
    opts: WebhookOptions = {},
    write?: Writer,
  ) {
    this.#write = write ?? ((fn) => store.transaction(fn));
    this.#o = {
      timeoutMs: opts.timeoutMs ?? 5_000,
      maxAttempts: opts.maxAttempts ?? 8,
      baseDelayMs: opts.baseDelayMs ?? 1_000,
      maxDelayMs: opts.maxDelayMs ?? 300_000,
      concurrency: opts.concurrency ?? 8,
      pollMs: opts.pollMs ?? 1_000,
      now: opts.now ?? Date.now,
      random: opts.random ?? Math.random,
      onAttempt: opts.onAttempt,
    };
    this.#agent = new Agent({
      connect: { lookup: guard.lookup as never, timeout: this.#o.timeoutMs },
      headersTimeout: this.#o.timeoutMs,
      bodyTimeout: this.#o.timeoutMs,
      keepAliveTimeout: 4_000,
    });
  }

  /** Starts sending (what is due now, then as woken or polled). */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.wake();
  }

  /** Checks the queue soon (after a commit that queued deliveries). */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#cycle = this.#run();
  }

  /** Stops: waits for attempts in flight, closes connections. Queued deliveries stay queued. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#cycle;
    await Promise.allSettled([...this.#inflight]);
    await this.#agent.close();
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      do {
        this.#again = false;
        await this.#sendDue();
      } while (this.#again && !this.#stopped);
    } catch (e) {
      // the database may be briefly unavailable; the next poll tries again
      if (!this.#stopped) console.error(`webhook delivery: ${(e as Error).message}`);
    } finally {
      this.#running = false;
      if (!this.#stopped) {
        if (this.#timer) clearTimeout(this.#timer);
        this.#timer = setTimeout(() => this.wake(), this.#o.pollMs);
        this.#timer.unref();
      }
    }
  }

  async #sendDue(): Promise<void> {
    for (;;) {
      const free = this.#o.concurrency - this.#inflight.size;
      if (free <= 0) {
        await Promise.race(this.#inflight);
        continue;
      }
      const now = this.#o.now();
      const due = await this.store.db
        .selectFrom('oadr_deliveries')
        .select(['id', 'subscription_id', 'callback_url', 'bearer_token', 'body_json', 'attempts', 'next_at_ms'])
        .where('status', '=', 'pending')
        .where('next_at_ms', '<=', now)
        .orderBy('next_at_ms')
        .orderBy('id')
        .limit(free)
        .execute();
      if (due.length === 0) return;
      // one conditional UPDATE claims them all; RETURNING says which this process got
      const ids = await this.#write((trx) =>
        trx.updateTable('oadr_deliveries').set({ next_at_ms: now + CLAIM_MS }).where('id', 'in', due.map((d) => d.id)).where('status', '=', 'pending').where('next_at_ms', '<=', now).returning('id').execute(),
      );
      const mine = new Set(ids.map((r) => r.id));
      let claimed = 0;
      for (const d of due) {
        if (!mine.has(d.id)) continue;
        claimed++;
        const p = this.#attempt(d).finally(() => this.#inflight.delete(p));
        this.#inflight.add(p);
      }
      if (claimed === 0) return;
      if (this.#stopped) return;
    }
  }

  async #attempt(d: { id: string; subscription_id: string; callback_url: string; bearer_token: string | null; body_json: string; attempts: number }): Promise<void> {
    const attempt = d.attempts + 1;
    let status: number | undefined;
    let error: string | undefined;
    try {
      this.guard.checkUrl(d.callback_url);
      const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'wattshift-vtn' };
      if (d.bearer_token) headers.authorization = `Bearer ${d.bearer_token}`;
      const res = await request(d.callback_url, { method: 'POST', headers, body: d.body_json, dispatcher: this.#agent, signal: AbortSignal.timeout(this.#o.timeoutMs) });
      status = res.statusCode;
      await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      if (status < 200 || status >= 300) error = status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`;
    } catch (e) {
      const err = e as Error & { code?: string; cause?: unknown };
      const cause = err.cause instanceof CallbackRefused ? err.cause : err;
      error = err.name === 'TimeoutError' || err.name === 'AbortError' ? `no answer within ${this.#o.timeoutMs} ms` : `${(cause as Error).message}${(cause as { code?: string }).code ? ` (${(cause as { code?: string }).code})` : ''}`;
    }
    const now = this.#o.now();
    if (error === undefined) {
      await this.#write(async (trx) => {
        await trx.deleteFrom('oadr_deliveries').where('id', '=', d.id).execute();
        await trx.updateTable('oadr_subscriptions').set({ failures: 0 }).where('id', '=', d.subscription_id).where('failures', '>', 0).where('status', '=', 'active').execute();
      });
      this.#o.onAttempt?.({ deliveryId: d.id, subscriptionId: d.subscription_id, url: d.callback_url, attempt, ok: true, status, next: 'done' });
      return;
    }
    if (attempt >= this.#o.maxAttempts) {
      await this.#write(async (trx) => {
        await trx.updateTable('oadr_deliveries').set({ status: 'dead', attempts: attempt, last_error: error }).where('id', '=', d.id).execute();
        await trx.updateTable('oadr_deliveries').set({ status: 'dead', last_error: 'not sent: the subscription is broken' }).where('subscription_id', '=', d.subscription_id).where('status', '=', 'pending').execute();
        await trx.updateTable('oadr_subscriptions').set((eb) => ({ status: 'broken', broken_at_ms: now, last_error: error, failures: eb('failures', '+', 1) })).where('id', '=', d.subscription_id).execute();
      });
      this.#o.onAttempt?.({ deliveryId: d.id, subscriptionId: d.subscription_id, url: d.callback_url, attempt, ok: false, status, error, next: 'dead' });
      return;
    }
    const wait = backoffMs(attempt, this.#o.baseDelayMs, this.#o.maxDelayMs, this.#o.random());
    await this.#write(async (trx) => {
      await trx.updateTable('oadr_deliveries').set({ attempts: attempt, next_at_ms: now + wait, last_error: error }).where('id', '=', d.id).execute();
      await trx.updateTable('oadr_subscriptions').set((eb) => ({ failures: eb('failures', '+', 1), last_error: error })).where('id', '=', d.subscription_id).execute();
    });
    this.#o.onAttempt?.({ deliveryId: d.id, subscriptionId: d.subscription_id, url: d.callback_url, attempt, ok: false, status, error, next: 'retry', retryInMs: wait });
    // wake up for the retry even when polling is slow
    const t = setTimeout(() => this.wake(), wait + 5);
    t.unref();
  }
}
