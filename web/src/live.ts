/**
 * Live updates by server-sent events. EventSource cannot send the token, so each connection
 * first asks for a short-lived ticket (POST /api/v1/tickets) and opens the stream URL the
 * server answers with. When the stream drops (a restart, a network change, an expired ticket
 * on reconnect) a new ticket is fetched and the stream reopened, waiting longer after each
 * failure. The stream is closed when the page is left.
 */
import { api } from './api.ts';
import type { Scope } from './page.ts';

/** Handlers by event name; each gets the event's JSON data. */
export type Handlers = Record<string, (data: unknown) => void>;

/** Options of a live stream. */
export interface FollowOptions {
  /** The run to follow, or every run when absent. */
  runId?: string;
  /** Event after which the stream is done (no reconnecting). */
  endEvent?: string;
  /** Called when the stream (re)connects. */
  onOpen?: () => void;
}

/** Follows a run's (or every run's) events until the page is left or `endEvent` arrives. */
export function follow(scope: Scope, handlers: Handlers, o: FollowOptions = {}): void {
  let source: EventSource | null = null;
  let done = false;
  let failures = 0;
  let timer = 0;
  const stop = () => {
    done = true;
    window.clearTimeout(timer);
    source?.close();
  };
  scope.onEnd(stop);
  const retry = () => {
    if (done || scope.ended) return;
    failures++;
    timer = window.setTimeout(() => void connect(), Math.min(15_000, 500 * 2 ** Math.min(failures, 5)));
  };
  const connect = async () => {
    if (done || scope.ended) return;
    let url: string;
    try {
      const t = await api<{ eventsUrl: string }>('/tickets', { method: 'POST', body: o.runId ? { runId: o.runId } : {}, signal: scope.signal });
      url = t.eventsUrl;
    } catch {
      retry();
      return;
    }
    if (done || scope.ended) return;
    const es = new EventSource(url);
    source = es;
    es.onopen = () => {
      failures = 0;
      o.onOpen?.();
    };
    for (const [name, f] of Object.entries(handlers)) {
      es.addEventListener(name, (e) => {
        let data: unknown;
        try {
          data = JSON.parse((e as MessageEvent<string>).data);
        } catch {
          return;
        }
        f(data);
        if (name === o.endEvent) stop();
      });
    }
    es.onerror = () => {
      // reconnect with a fresh ticket rather than let EventSource retry the old one
      es.close();
      if (source === es) source = null;
      retry();
    };
  };
  void connect();
}
