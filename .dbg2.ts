import { openStore } from './src/store/index.ts';
const store = await openStore('/tmp/storex/rd.db');
const id = (await store.runs.list()).runs[0]!.id;
const t0 = performance.now();
for (let i = 0; i < 30; i++) await store.ledgers.read(id, { sites: ['s042'], fromMs: Date.UTC(2023, 6, 1), toMs: Date.UTC(2023, 7, 1), limit: 744 });
console.log('per page', ((performance.now() - t0) / 30).toFixed(1));
let t = performance.now(); for (let i = 0; i < 30; i++) await store.ledgers.info(id); console.log('info', ((performance.now() - t) / 30).toFixed(1));
await store.close();
