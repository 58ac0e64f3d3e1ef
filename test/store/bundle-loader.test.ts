/**
 * A scenario stored as a bundle runs like the file it came from: materialised into a folder and
 * loaded with that folder as the path policy's root (as the server does), and a scenario naming
 * a file outside its bundle is refused by the loader.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/index.ts';
import { loadScenarioText, type ResolvedScenario } from '../../src/pipeline.ts';
import type { MaterialisedBundle } from '../../src/store/index.ts';
import { makeBundle, openStore, type Store } from '../../src/store/index.ts';
import { sqliteDatabases } from '../helpers/databases.ts';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const TEXAS = 'texas-single-site.yaml';
const DATA = ['prices-2023.csv.gz', 'carbon-2023.csv.gz', 'weather-2023.json.gz'].map((f) => `data/markets/US-TEX-ERCO/${f}`);

/** Loads a materialised bundle the way a server does: its text, its folder as the root. */
function load(m: MaterialisedBundle, entry: string): ResolvedScenario {
  return loadScenarioText(readFileSync(m.entryPath, 'utf8'), dirname(m.entryPath), entry, { root: m.dir });
}

describe('scenario bundles and the loader', () => {
  const dbs = sqliteDatabases();
  let store: Store | undefined;
  afterAll(async () => {
    await store?.close();
    await dbs.dropAll();
  });

  it('a materialised bundle loads with its folder as the root', async () => {
    store = await openStore(await dbs.create());
    const files: Record<string, Buffer> = { [TEXAS]: readFileSync(EXAMPLES + TEXAS) };
    for (const f of DATA) files[f] = readFileSync(EXAMPLES + f);
    const { scenario } = await store.scenarios.put(makeBundle(TEXAS, files), { name: 'texas' });
    const m = await store.scenarios.materialise(scenario.id);
    try {
      const resolved = load(m, TEXAS);
      expect(resolved.sites).toHaveLength(1);
      expect(resolved.grid.steps).toBe(8760);
      expect(resolved.seriesReports.length).toBeGreaterThanOrEqual(4);
    } finally {
      await m.cleanup();
    }
  });

  it('a scenario naming a file outside its bundle is refused', async () => {
    store ??= await openStore(await dbs.create());
    const text = readFileSync(EXAMPLES + TEXAS, 'utf8').replace(`file: ${DATA[0]}`, 'file: ../../etc/passwd');
    const files: Record<string, string | Buffer> = { [TEXAS]: text };
    for (const f of DATA) files[f] = readFileSync(EXAMPLES + f);
    const { scenario } = await store.scenarios.put(makeBundle(TEXAS, files), { name: 'escape' });
    const m = await store.scenarios.materialise(scenario.id);
    try {
      let err: unknown;
      try {
        load(m, TEXAS);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).format()).toMatch(/etc\/passwd.*outside the folder files may be read from/);
    } finally {
      await m.cleanup();
    }
  });
});
