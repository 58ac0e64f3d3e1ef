/** The `--db` option shared by commands that use the store: the option, or WATTSHIFT_DB. */
import { InputError } from '../errors/index.ts';
import { DB_ENV } from './commands/token.ts';

/** Help text of `--db`. */
export const DB_OPTION_HELP = `database: a SQLite file (created if missing) or a postgres:// URL (default: $${DB_ENV})`;

/** The store location from `--db` or WATTSHIFT_DB; `why` completes the message when neither is set. */
export function storeLocation(db: string | undefined, why: string): string {
  const location = db ?? process.env[DB_ENV];
  if (!location) throw new InputError('OPTION_INVALID', `name the database with --db FILE (a SQLite file or a postgres:// URL) or set ${DB_ENV}: ${why}`, { path: '--db' });
  return location;
}
