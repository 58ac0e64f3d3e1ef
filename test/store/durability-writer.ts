/**
 * The process the durability test kills: `node --import tsx durability-writer.ts LOCATION`
 * writes runs in a loop (create, start, complete with results and a ledger), printing
 * `completing ID` before each completion and `committed ID` after it returns.
 */
import { makeBundle, openStore } from '../../src/store/index.ts';
import { expectedLedger, expectedResults } from './durability-fixture.ts';

const store = await openStore(process.argv[2] ?? '');
const { scenario } = await store.scenarios.put(makeBundle('s.yaml', { 's.yaml': 'name: durability\n' }), { name: 'durability' });
const say = (line: string): Promise<void> => new Promise((resolve) => process.stdout.write(`${line}\n`, () => resolve()));
for (;;) {
  const run = await store.runs.create({ scenarioId: scenario.id, command: 'simulate', softwareVersion: 'test' });
  await store.runs.start(run.id, { owner: `writer:${process.pid}` });
  await store.runs.progress(run.id, 0.5, 'simulate');
  const results = expectedResults(run.id);
  const ledger = expectedLedger(run.id);
  await say(`completing ${run.id}`);
  await store.runs.complete(run.id, { results, ledger: { ledger, siteTimeZones: ['UTC', 'Asia/Shanghai', 'Europe/Berlin'] } });
  await say(`committed ${run.id}`);
}
