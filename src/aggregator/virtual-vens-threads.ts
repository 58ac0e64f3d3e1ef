/**
 * The virtual VENs in worker threads: each thread hosts every k-th site's VEN (so the sites
 * whose events go out first are spread over the threads) with its own event loop, HTTP and MQTT
 * clients and HiGHS, and talks to the aggregator's VTN over 127.0.0.1 as a real VEN does. The
 * main thread keeps the VTNs, the brokers and the aggregator; what the VENs do comes back as
 * messages (answers, setpoint publications, errors).
 */
import type { Worker } from 'node:worker_threads';
import { spawnTsWorker } from '../workers/spawn-ts-worker.ts';
import type { VenThreadCommand, VenThreadInit, VenThreadMessage } from './virtual-vens-protocol.ts';
import type { SiteMeter, VirtualVens, VirtualVensOptions } from './virtual-vens.ts';

type Command = VenThreadCommand extends infer C ? (C extends { id: number } ? Omit<C, 'id'> : never) : never;

interface Thread {
  worker: Worker;
  pending: Map<number, { resolve: (mode: string | undefined) => void; reject: (e: Error) => void }>;
  sites: Set<number>;
  exited: boolean;
}

/** Options of {@link ThreadedVens}. */
export interface ThreadedVensOptions extends VirtualVensOptions {
  /** The scenario as a file or text, loaded again in each thread. */
  scenario: VenThreadInit['scenario'];
  /** Worker threads (at most one per VEN). */
  threads: number;
  /**
   * Have V8 optimise WebAssembly when compiled (default true; wasm-tiering.ts): with dynamic
   * tiering, V8 compiled the hot HiGHS functions during the event, on the cores answering it.
   */
  optimiseWasm?: boolean;
}

/** The virtual VENs, a slice per worker thread. */
export class ThreadedVens implements VirtualVens {
  mode = '';
  private readonly threads: Thread[] = [];
  private nextId = 1;
  private stopping = false;

  constructor(private readonly o: ThreadedVensOptions) {}

  async start(): Promise<void> {
    const n = Math.max(1, Math.min(this.o.threads, this.o.vens.length));
    const slices = Array.from({ length: n }, (_, k) => this.o.vens.filter((_, i) => i % n === k));
    for (const vens of slices) this.threads.push(this.spawn(new Set(vens.map((v) => v.site))));
    const { scenario, base, baseLedger, link } = this.o;
    const modes = await Promise.all(this.threads.map((t, k) => this.send(t, { type: 'start', init: { scenario, base, baseLedger, link, vens: slices[k]!, optimiseWasm: this.o.optimiseWasm ?? true } })));
    this.mode = modes[0] ?? this.o.link.notify;
  }

  private spawn(sites: Set<number>): Thread {
    const worker = spawnTsWorker(new URL('./virtual-vens-worker.ts', import.meta.url));
    const t: Thread = { worker, pending: new Map(), sites, exited: false };
    const fail = (e: Error) => {
      for (const p of t.pending.values()) p.reject(e);
      t.pending.clear();
      if (!this.stopping) this.o.onError(e);
    };
    const take = (m: VenThreadMessage) => {
      switch (m.type) {
        case 'answer':
          return this.o.onAnswer(m.answer);
        case 'publish':
          return void this.o.adapter.publish(m.setpoints).catch((e: Error) => this.o.onError(e));
        case 'error':
          return this.o.onError(new Error(m.message));
        case 'done': {
          const p = t.pending.get(m.id);
          t.pending.delete(m.id);
          if (m.error !== undefined) p?.reject(new Error(m.error));
          else p?.resolve(m.mode);
        }
      }
    };
    worker.on('message', (batch: VenThreadMessage[]) => batch.forEach(take));
    worker.on('error', (e) => fail(e));
    worker.on('exit', (code) => {
      t.exited = true;
      fail(new Error(`a VEN thread exited with code ${code}`));
    });
    return t;
  }

  private send(t: Thread, c: Command): Promise<string | undefined> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (t.exited) return reject(new Error('the VEN thread has exited'));
      t.pending.set(id, { resolve, reject });
      t.worker.postMessage({ ...c, id } as VenThreadCommand);
    });
  }

  async restart(sites: readonly number[]): Promise<void> {
    await Promise.all(this.threads.map((t) => {
      const mine = sites.filter((s) => t.sites.has(s));
      return mine.length ? this.send(t, { type: 'restart', sites: mine }) : undefined;
    }));
  }

  async reportMeasured(meters: readonly SiteMeter[], intervalMinutes: number): Promise<void> {
    await Promise.all(this.threads.map((t) => this.send(t, { type: 'measure', meters: meters.filter((m) => t.sites.has(m.site)), intervalMinutes })));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.threads.map((t) => this.send(t, { type: 'stop' }).catch(() => undefined)));
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }
}
