/**
 * A run's live event stream (text/event-stream). Events come from the executor when it holds
 * the run, and from the store otherwise (a check every couple of seconds, so a run executed by
 * another process is followed too). The client disconnecting only ends the stream: the run
 * goes on.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TERMINAL_STATUSES, type Run } from '../store/index.ts';
import { runView, type RouteContext } from './context.ts';

const isTerminal = (status: string): boolean => (TERMINAL_STATUSES as readonly string[]).includes(status);

/** An open event stream: numbered events, timers and listeners that end with it, a heartbeat. */
interface EventStream {
  readonly closed: boolean;
  send(event: string, data: unknown): void;
  /** Calls `f` every `ms` until the stream closes. */
  every(ms: number, f: () => void): void;
  /** Calls `f` when the stream closes (at once if it has). */
  onClose(f: () => void): void;
  /** Ends the stream (the client leaving closes it too). */
  close(): void;
}

/** Takes over the reply as a text/event-stream with a heartbeat comment every `sseHeartbeatSeconds`. */
function startStream(ctx: RouteContext, request: FastifyRequest, reply: FastifyReply): EventStream {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    // proxies such as nginx would otherwise hold events back
    'x-accel-buffering': 'no',
  });
  let closed = false;
  let seq = 0;
  const timers: NodeJS.Timeout[] = [];
  const cleanups: Array<() => void> = [];
  const stream: EventStream = {
    get closed() {
      return closed;
    },
    send(event, data) {
      if (!closed) raw.write(`id: ${++seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    every(ms, f) {
      const t = setInterval(f, ms);
      t.unref();
      timers.push(t);
    },
    onClose(f) {
      if (closed) f();
      else cleanups.push(f);
    },
    close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearInterval(t);
      for (const f of cleanups) f();
      raw.end();
    },
  };
  request.raw.on('close', () => stream.close());
  raw.write(`retry: 3000\n\n`);
  stream.every(ctx.options.sseHeartbeatSeconds * 1000, () => !closed && raw.write(': keep-alive\n\n'));
  return stream;
}

/** Streams a run's events until it ends or the client leaves. */
export function openEventStream(ctx: RouteContext, request: FastifyRequest, reply: FastifyReply, run: Run): void {
  const stream = startStream(ctx, request, reply);
  const { send } = stream;
  let lastStatus = run.status;
  let lastProgress = run.progress;
  const onRun = (r: Run): void => {
    if (r.status !== lastStatus) {
      lastStatus = r.status;
      send('status', runView(r));
    }
    if (isTerminal(r.status)) {
      send('end', { status: r.status, error: r.error });
      stream.close();
    }
  };
  send('status', runView(run));
  if (isTerminal(run.status)) {
    send('end', { status: run.status, error: run.error });
    stream.close();
    return;
  }
  stream.onClose(
    ctx.executor.subscribe(run.id, (e) => {
      if (e.type === 'progress') {
        lastProgress = e.fraction;
        send('progress', { fraction: e.fraction, phase: e.phase });
        return;
      }
      void ctx.store.runs.get(run.id).then((r) => r && onRun(r), () => undefined);
    }),
  );
  stream.every(ctx.options.ssePollSeconds * 1000, () => {
    void ctx.store.runs.get(run.id).then(
      (r) => {
        if (!r || stream.closed) return;
        if (r.progress > lastProgress && r.status === 'running') {
          lastProgress = r.progress;
          send('progress', { fraction: r.progress, phase: r.phase });
        }
        onRun(r);
      },
      () => undefined,
    );
  });
}

/** Least time between two progress events of one run on the all-runs stream, ms. */
const RUNS_STREAM_PROGRESS_MS = 250;

/**
 * Streams every run's changes (the runs list of the dashboard): `hello` at once (the client
 * reads the list after it, so nothing falls between), `status` with the run whenever a run is
 * created, starts or ends, and `progress` ({runId, fraction, phase}) at most every 250 ms per
 * run. Events come from the executor, and from a check of the store's active runs every
 * couple of seconds (runs started by other clients or executed by other processes).
 */
export function openRunsStream(ctx: RouteContext, request: FastifyRequest, reply: FastifyReply): void {
  const stream = startStream(ctx, request, reply);
  const { send } = stream;
  /** Status and progress last sent per active run. */
  const known = new Map<string, { status: string; progress: number }>();
  const pending = new Map<string, { fraction: number; phase: string | null }>();
  const sendRun = (r: Run): void => {
    const k = known.get(r.id);
    if (k && k.status === r.status) return;
    if (isTerminal(r.status)) known.delete(r.id);
    else known.set(r.id, { status: r.status, progress: r.progress });
    send('status', runView(r));
  };
  const refresh = (id: string): void => {
    void ctx.store.runs.get(id).then((r) => r && sendRun(r), () => undefined);
  };
  stream.onClose(
    ctx.executor.subscribe('*', (e) => {
      if (e.type === 'progress') pending.set(e.runId, { fraction: e.fraction, phase: e.phase });
      else refresh(e.runId);
    }),
  );
  send('hello', { atMs: Date.now() });
  stream.every(RUNS_STREAM_PROGRESS_MS, () => {
    for (const [runId, p] of pending) {
      const k = known.get(runId);
      if (k) k.progress = p.fraction;
      send('progress', { runId, fraction: p.fraction, phase: p.phase });
    }
    pending.clear();
  });
  const poll = async (): Promise<void> => {
    const page = await ctx.store.runs.list({ status: ['queued', 'running'], limit: 200 });
    const active = new Set<string>();
    for (const r of page.runs) {
      active.add(r.id);
      const k = known.get(r.id);
      if (!k || k.status !== r.status) sendRun(r);
      else if (r.progress > k.progress && !pending.has(r.id)) {
        k.progress = r.progress;
        send('progress', { runId: r.id, fraction: r.progress, phase: r.phase });
      }
    }
    // runs that were active and are no longer: they ended (maybe in another process)
    for (const id of known.keys()) if (!active.has(id)) refresh(id);
  };
  void poll().catch(() => undefined);
  stream.every(ctx.options.ssePollSeconds * 1000, () => void poll().catch(() => undefined));
}
