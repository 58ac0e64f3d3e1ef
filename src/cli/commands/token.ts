/**
 * `wattshift token create|list|revoke`: API tokens for `wattshift serve`, kept (hashed) in the
 * store. `create` prints the new secret alone on the last line of standard output, so scripts
 * can take it with `| tail -n 1`; it is never shown again.
 */
import { Option, type Command } from 'commander';
import { InputError } from '../../errors/index.ts';
import { openStore, ROLES, type Role, type Store, type TokenInfo } from '../../store/index.ts';
import type { Io } from '../io.ts';

/** Environment variable naming the database when --db is not given. */
export const DB_ENV = 'WATTSHIFT_DB';

const DB_HELP = `database: a SQLite file (created if missing) or a postgres:// URL (default: $${DB_ENV})`;

/** Opens the store named by --db or WATTSHIFT_DB, runs `fn`, closes it. */
async function withStore<T>(db: string | undefined, fn: (store: Store) => Promise<T>): Promise<T> {
  const location = db ?? process.env[DB_ENV];
  if (!location) throw new InputError('OPTION_INVALID', `name the database with --db FILE (a SQLite file or a postgres:// URL) or set ${DB_ENV}`, { path: '--db' });
  const store = await openStore(location);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const iso = (ms: number | null): string => (ms === null ? '-' : `${new Date(ms).toISOString().slice(0, 19)}Z`);

function tokenTable(tokens: TokenInfo[]): string {
  const rows = [['id', 'role', 'name', 'created (UTC)', 'last used (UTC)', 'revoked (UTC)'], ...tokens.map((t) => [t.id, t.role, t.name ?? '-', iso(t.createdAtMs), iso(t.lastUsedAtMs), iso(t.revokedAtMs)])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

/** Registers `wattshift token`. */
export function registerToken(program: Command, io: Io): void {
  const token = program
    .command('token')
    .description('create, list and revoke API tokens for wattshift serve (stored hashed in the database)')
    .addHelpText(
      'after',
      `
Roles: viewer (read runs and results), operator (also start and cancel runs), admin (also manage tokens).

Examples:
  $ wattshift token create --role admin --db wattshift.db --name ops
  $ TOKEN=$(wattshift token create --role viewer --db wattshift.db | tail -n 1)
  $ wattshift token list --db postgres://wattshift@db.internal/wattshift
  $ wattshift token revoke 01JD3Z6Q9W4ZK1V0R7M5N2B8XC --db wattshift.db`,
    );

  token
    .command('create')
    .description('create a token; its secret is printed once, alone on the last line')
    .addOption(new Option('--role <role>', 'what the token may do').choices([...ROLES]).makeOptionMandatory())
    .option('--name <name>', 'a label to recognise the token by')
    .option('--db <location>', DB_HELP)
    .action(async (opts: { role: Role; name?: string; db?: string }) => {
      const created = await withStore(opts.db, (s) => s.tokens.create(opts.role, opts.name ?? null));
      io.out(`created token ${created.id} (role ${created.role}${created.name ? `, name "${created.name}"` : ''}); keep the secret below, it is not shown again:\n${created.secret}\n`);
    });

  token
    .command('list')
    .description('list tokens (never their secrets)')
    .option('--all', 'include revoked tokens')
    .option('--json', 'print JSON')
    .option('--db <location>', DB_HELP)
    .action(async (opts: { all?: boolean; json?: boolean; db?: string }) => {
      const tokens = await withStore(opts.db, (s) => s.tokens.list({ includeRevoked: opts.all ?? false }));
      if (opts.json) io.out(`${JSON.stringify(tokens, null, 2)}\n`);
      else io.out(tokens.length ? `${tokenTable(tokens)}\n` : 'no tokens\n');
    });

  token
    .command('revoke')
    .description('revoke a token: requests with it are refused from now on')
    .argument('<id>', 'token id (from token list)')
    .option('--db <location>', DB_HELP)
    .action(async (id: string, opts: { db?: string }) => {
      const t = await withStore(opts.db, (s) => s.tokens.revoke(id));
      io.out(`revoked token ${t.id} (role ${t.role}${t.name ? `, name "${t.name}"` : ''}) at ${iso(t.revokedAtMs)}\n`);
    });

  // bad arguments of the subcommands end with exit code 2 like every other command
  for (const c of token.commands) c.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
}
