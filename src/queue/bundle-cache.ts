/**
 * Scenario bundles a worker has fetched from the store, written once each into a temporary
 * folder (series files are read from there) and kept until the worker closes.
 */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseScenarioText } from '../scenario/source.ts';
import type { Store } from '../store/store.ts';
import type { MaterialisedBundle } from '../store/types.ts';

/** A bundle ready to load: its folder and the parsed scenario file. */
export interface FetchedBundle {
  /** Folder the scenario's relative paths start from. */
  baseDir: string;
  /** The scenario file, parsed (before validation). */
  data: unknown;
  /** The scenario file's text. */
  text: string;
}

/** Fetches bundles by id once per worker. */
export class BundleCache {
  private readonly made = new Map<string, Promise<{ m: MaterialisedBundle; fetched: FetchedBundle }>>();

  constructor(private readonly store: Store) {}

  /** The bundle `id`, written to a folder on first use. `name` is used in parse errors. */
  async get(id: string, name: string): Promise<FetchedBundle> {
    let p = this.made.get(id);
    if (!p) {
      p = (async () => {
        const m = await this.store.scenarios.materialise(id);
        const text = await readFile(m.entryPath, 'utf8');
        return { m, fetched: { baseDir: dirname(m.entryPath), data: parseScenarioText(text, name).data, text } };
      })();
      this.made.set(id, p);
      p.catch(() => this.made.delete(id));
    }
    return (await p).fetched;
  }

  /** Removes every folder written. */
  async close(): Promise<void> {
    const all = [...this.made.values()];
    this.made.clear();
    await Promise.allSettled(all.map(async (p) => (await p).m.cleanup()));
  }
}
