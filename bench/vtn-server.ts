/**
 * The VTN under benchmark, in its own process (so the load generator does not share its event
 * loop): `node --import tsx bench/vtn-server.ts <db>`. Prints `{"url": …}` when listening; on
 * SIGTERM prints `{"commits": …}` (transactions the write queue committed) and exits.
 */
import { openStore } from '../src/store/index.ts';
import { startVtn } from '../src/openadr/vtn/index.ts';

const store = await openStore(process.argv[2]!);
// webhook callbacks to this machine only (the benchmark's own callback server)
const vtn = await startVtn({ store, port: 0, delivery: { callbacks: { allow: ['loopback'], allowHttp: true } } });
process.stdout.write(`${JSON.stringify({ url: vtn.url })}\n`);
process.once('SIGTERM', () => {
  void (async () => {
    const commits = vtn.vtn.context.writes.commits;
    await vtn.close();
    await store.close();
    process.stdout.write(`${JSON.stringify({ commits })}\n`);
    process.exit(0);
  })();
});
