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

/** Streams a run's events until it ends or the client leaves. */
export function openEventStream(ctx: RouteContext, request: FastifyRequest, reply: FastifyReply, run: Run): void {
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
  let lastStatus = run.status;
  let lastProgress = run.progress;
  const timers: NodeJS.Timeout[] = [];
  let unsubscribe: () => void = () => {};
  const close = (): void => {
    if (closed) return;
    closed = true;
    for (const t of timers) clearInterval(t);
    unsubscribe();
    raw.end();
  };
  const send = (event: string, data: unknown): void => {
    if (closed) return;
    raw.write(`id: ${++seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const onRun = (r: Run): void => {
    if (r.status !== lastStatus) {
      lastStatus = r.status;
      send('status', runView(r));
    }
    if (isTerminal(r.status)) {
      send('end', { status: r.status, error: r.error });
      close();
    }
  };
  request.raw.on('close', close);
  raw.write(`retry: 3000\n\n`);
  send('status', runView(run));
  if (isTerminal(run.status)) {
    send('end', { status: run.status, error: run.error });
    close();
    return;
  }
  unsubscribe = ctx.executor.subscribe(run.id, (e) => {
    if (e.type === 'progress') {
      lastProgress = e.fraction;
      send('progress', { fraction: e.fraction, phase: e.phase });
      return;
    }
    void ctx.store.runs.get(run.id).then((r) => r && onRun(r), () => undefined);
  });
  timers.push(setInterval(() => !closed && raw.write(': keep-alive\n\n'), ctx.options.sseHeartbeatSeconds * 1000));
  timers.push(
    setInterval(() => {
      void ctx.store.runs.get(run.id).then(
        (r) => {
          if (!r || closed) return;
          if (r.progress > lastProgress && r.status === 'running') {
            lastProgress = r.progress;
            send('progress', { fraction: r.progress, phase: r.phase });
          }
          onRun(r);
        },
        () => undefined,
      );
    }, ctx.options.ssePollSeconds * 1000),
  );
  for (const t of timers) t.unref();
}
