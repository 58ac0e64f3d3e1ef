/**
 * `wattshift vtn serve|client|subscriptions`: the OpenADR 3.1.0 VTN on its own (the same plugin
 * `wattshift serve` mounts at /openadr3/3.1.0), its OAuth2 clients, and the delivery health of
 * webhook subscriptions. `client create` prints the client secret alone on the last line.
 */
import { Option, type Command } from 'commander';
import { InputError } from '../../errors/index.ts';
import { createVtn, startVtn, type ClientRole, type Vtn } from '../../openadr/vtn/index.ts';
import { openStore, type Store } from '../../store/index.ts';
import type { Io } from '../io.ts';
import { addVtnOptions, vtnOptionsFrom } from '../vtn-options.ts';
import { DB_ENV } from './token.ts';

const DB_HELP = `database: a SQLite file (created if missing) or a postgres:// URL (default: $${DB_ENV})`;

function storeLocation(db: string | undefined): string {
  const location = db ?? process.env[DB_ENV];
  if (!location) throw new InputError('OPTION_INVALID', `name the database with --db FILE (a SQLite file or a postgres:// URL) or set ${DB_ENV}`, { path: '--db' });
  return location;
}

/** Runs `fn` with a VTN over the store (no sender, no broker), then closes both. */
async function withVtn<T>(db: string | undefined, fn: (vtn: Vtn, store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(storeLocation(db));
  try {
    const vtn = await createVtn({ store, delivery: { paused: true } });
    try {
      return await fn(vtn, store);
    } finally {
      await vtn.close();
    }
  } finally {
    await store.close();
  }
}

function port(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InputError('OPTION_INVALID', `${flag} must be a port number from 0 to 65535, got "${value}"`, { path: flag });
  return n;
}

function list(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

const iso = (ms: number | null): string => (ms === null ? '-' : `${new Date(ms).toISOString().slice(0, 19)}Z`);

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

interface ServeFlags {
  db?: string;
  host: string;
  port: string;
}

/** Registers `wattshift vtn`. */
export function registerVtn(program: Command, io: Io): void {
  const vtn = program
    .command('vtn')
    .description('run the OpenADR 3.1.0 VTN on its own, manage its OAuth2 clients, check webhook delivery')
    .addHelpText(
      'after',
      `
Examples:
  $ wattshift vtn client create --role bl --db vtn.db --name aggregator
  $ wattshift vtn client create --role ven --ven-name site-phoenix --targets phoenix,srp --db vtn.db
  $ wattshift vtn serve --db vtn.db --port 8080 --mqtt-port 1883 --allow-callbacks 127.0.0.1 --allow-http-callbacks
  $ wattshift vtn subscriptions --broken --db vtn.db

Clients fetch tokens at POST <url>/auth/token (grant_type=client_credentials, client_id, client_secret).
See docs/openadr.md.`,
    );

  addVtnOptions(vtn
    .command('serve')
    .description('serve the VTN at http://HOST:PORT/openadr3/3.1.0 until Ctrl-C')
    .option('--db <location>', DB_HELP)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'HTTP port (0: any free port)', '8080'))
    .action(async (f: ServeFlags & Record<string, unknown>) => {
      const options = vtnOptionsFrom(f);
      const store = await openStore(storeLocation(f.db));
      let running;
      try {
        running = await startVtn({
          store,
          host: f.host,
          port: port(f.port, '--port'),
          ...options,
        });
      } catch (e) {
        await store.close();
        throw e;
      }
      // listening for SIGTERM before saying it serves, so a stop right after the first line is clean
      const stopped = new Promise<void>((resolve) => {
        const stop = () => resolve();
        io.signal?.addEventListener('abort', stop, { once: true });
        process.once('SIGTERM', stop);
      });
      io.out(`OpenADR 3.1.0 VTN at ${running.url} (store ${store.location})\n`);
      if (running.vtn.mqtt) io.out(`MQTT notifications at ${running.vtn.mqtt.uris.join(', ')} (log in with clientID and access token)\n`);
      io.out(`webhook callbacks allowed to: ${running.vtn.guard.describe()}\nCtrl-C stops\n`);
      await stopped;
      await running.close();
      await store.close();
      io.out('VTN stopped\n');
    });

  const client = vtn.command('client').description('OAuth2 clients of the VTN (secrets stored hashed)');
  client
    .command('create')
    .description('register a client; its secret is printed once, alone on the last line')
    .addOption(new Option('--role <role>', 'bl (business logic: programs, events) or ven').choices(['bl', 'ven']).makeOptionMandatory())
    .option('--name <label>', 'a label to recognise the client by')
    .option('--ven-name <name>', 'with --role ven: also create its VEN object with this venName')
    .option('--targets <list>', 'with --ven-name: targets of the VEN (comma-separated)')
    .option('--json', 'print JSON ({ clientId, clientSecret, role, venId })')
    .option('--db <location>', DB_HELP)
    .action(async (o: { role: ClientRole; name?: string; venName?: string; targets?: string; json?: boolean; db?: string }) => {
      if (o.venName && o.role !== 'ven') throw new InputError('OPTION_INVALID', '--ven-name needs --role ven', { path: '--ven-name' });
      if (o.targets && !o.venName) throw new InputError('OPTION_INVALID', '--targets needs --ven-name', { path: '--targets' });
      const made = await withVtn(o.db, async (v) => {
        const c = await v.clients.create(o.role, { name: o.name ?? o.venName ?? null });
        let venId: string | null = null;
        if (o.venName) {
          const operator = { clientId: 'wattshift-cli', role: 'bl' as const, scopes: new Set(['write_vens']) };
          try {
            venId = (await v.vens.create(operator, { objectType: 'BL_VEN_REQUEST', venName: o.venName, clientID: c.id, targets: o.targets ? list(o.targets) : null })).id;
          } catch (e) {
            await v.clients.revoke(c.id);
            throw new InputError('OPTION_INVALID', `cannot create VEN "${o.venName}": ${(e as Error).message}`, { path: '--ven-name' });
          }
        }
        return { c, venId };
      });
      if (o.json) {
        io.out(`${JSON.stringify({ clientId: made.c.id, clientSecret: made.c.secret, role: made.c.role, scopes: made.c.scopes, venId: made.venId }, null, 2)}\n`);
        return;
      }
      io.out(`created ${made.c.role} client ${made.c.id}${made.venId ? ` with VEN ${made.venId} ("${o.venName}")` : ''}\nscopes: ${made.c.scopes.join(' ')}\nclient_id: ${made.c.id}\nkeep the client_secret below, it is not shown again:\n${made.c.secret}\n`);
    });
  client
    .command('list')
    .description('list clients (never their secrets)')
    .option('--all', 'include revoked clients')
    .option('--json', 'print JSON')
    .option('--db <location>', DB_HELP)
    .action(async (o: { all?: boolean; json?: boolean; db?: string }) => {
      const clients = await withVtn(o.db, (v) => v.clients.list({ includeRevoked: o.all ?? false }));
      if (o.json) io.out(`${JSON.stringify(clients, null, 2)}\n`);
      else if (!clients.length) io.out('no clients\n');
      else io.out(`${table([['client_id', 'role', 'name', 'created (UTC)', 'revoked (UTC)'], ...clients.map((c) => [c.id, c.role, c.name ?? '-', iso(c.createdAtMs), iso(c.revokedAtMs)])])}\n`);
    });
  client
    .command('revoke')
    .description('revoke a client: its secret and tokens stop working (within 5 s for tokens already issued)')
    .argument('<client_id>', 'client id (from client list)')
    .option('--db <location>', DB_HELP)
    .action(async (id: string, o: { db?: string }) => {
      const c = await withVtn(o.db, (v) => v.clients.revoke(id));
      if (!c) throw new InputError('OPTION_INVALID', `no client ${id}; wattshift vtn client list shows the clients`, { path: '<client_id>' });
      io.out(`revoked client ${c.id} (${c.role}) at ${iso(c.revokedAtMs)}\n`);
    });

  vtn
    .command('subscriptions')
    .description('webhook subscriptions with their delivery health (broken ones get nothing until their owner updates them)')
    .option('--broken', 'only broken subscriptions')
    .option('--json', 'print JSON')
    .option('--db <location>', DB_HELP)
    .action(async (o: { broken?: boolean; json?: boolean; db?: string }) => {
      const rows = await withVtn(o.db, (v) => v.subscriptions.health({ brokenOnly: o.broken ?? false }));
      if (o.json) io.out(`${JSON.stringify(rows, null, 2)}\n`);
      else if (!rows.length) io.out(o.broken ? 'no broken subscriptions\n' : 'no subscriptions\n');
      else io.out(`${table([['id', 'client', 'status', 'failures', 'pending', 'dead', 'broken (UTC)', 'last error'], ...rows.map((r) => [r.id, r.clientName, r.status, String(r.failures), String(r.pendingDeliveries), String(r.deadDeliveries), iso(r.brokenAtMs), r.lastError ?? '-'])])}\n`);
    });

  for (const c of [...vtn.commands, ...client.commands]) c.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
}
