/**
 * A second process for store tests: `node --import tsx store-child.ts open LOCATION` opens the
 * store (migrating it) and prints what the migration pass applied; `token LOCATION` also creates
 * a token and prints its id and the time it finished.
 */
import { openStore } from '../../src/store/index.ts';

const [cmd, location] = process.argv.slice(2);
const store = await openStore(location ?? '');
if (cmd === 'open') console.log(JSON.stringify(store.migrations.applied));
else if (cmd === 'token') {
  const t = await store.tokens.create('viewer', 'from child');
  console.log(JSON.stringify({ id: t.id, doneAtMs: Date.now() }));
}
await store.close();
