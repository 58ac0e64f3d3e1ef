/**
 * OAuth2 clients of the VTN, registered by the operator (`wattshift vtn client create`). A
 * client's secret is `oadr_` + 32 random bytes in base64url, shown once; only its SHA-256 is
 * kept (for a random 256-bit secret a fast hash is as safe as a slow one, as for API tokens in
 * src/store/tokens.ts). Checking a secret looks the hash up and compares in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { OadrClientsTable } from '../../../store/database.ts';
import { newId } from '../../../store/ids.ts';
import type { Store } from '../../../store/store.ts';
import { ROLE_SCOPES, type ClientRole } from './scopes.ts';

/** A registered client (never its secret). */
export interface OAuthClient {
  id: string;
  role: ClientRole;
  name: string | null;
  /** Scopes the client may ask for. */
  scopes: string[];
  createdAtMs: number;
  revokedAtMs: number | null;
}

/** A new client with its secret (shown once). */
export interface CreatedClient extends OAuthClient {
  secret: string;
}

const SECRET_PREFIX = 'oadr_';

function hash(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

function toClient(r: Selectable<OadrClientsTable>): OAuthClient {
  return { id: r.id, role: r.role as ClientRole, name: r.name, scopes: r.scopes.split(' ').filter(Boolean), createdAtMs: r.created_at_ms, revokedAtMs: r.revoked_at_ms };
}

/** The VTN's OAuth2 clients in the store. */
export class OAuthClients {
  constructor(private readonly store: Store, private readonly now: () => number = Date.now) {}

  /** Registers a client of `role`; its id is `bl-…` or `ven-…` unless `id` is given. */
  async create(role: ClientRole, opts: { name?: string | null; id?: string } = {}): Promise<CreatedClient> {
    const t = this.now();
    const id = opts.id ?? `${role}-${newId(t).toLowerCase()}`;
    const secret = SECRET_PREFIX + randomBytes(32).toString('base64url');
    const row = await this.store.db
      .insertInto('oadr_clients')
      .values({ id, role, name: opts.name ?? null, secret_sha256: hash(secret).toString('hex'), scopes: ROLE_SCOPES[role].join(' '), created_at_ms: t, revoked_at_ms: null })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { ...toClient(row), secret };
  }

  /** The client if `secret` is its secret and it is not revoked, else null. */
  async authenticate(id: string, secret: string): Promise<OAuthClient | null> {
    const row = await this.store.db.selectFrom('oadr_clients').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || row.revoked_at_ms !== null) return null;
    const want = Buffer.from(row.secret_sha256, 'hex');
    const got = hash(secret);
    return want.length === got.length && timingSafeEqual(want, got) ? toClient(row) : null;
  }

  async get(id: string): Promise<OAuthClient | undefined> {
    const row = await this.store.db.selectFrom('oadr_clients').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toClient(row);
  }

  async list(opts: { includeRevoked?: boolean } = {}): Promise<OAuthClient[]> {
    let q = this.store.db.selectFrom('oadr_clients').selectAll();
    if (!opts.includeRevoked) q = q.where('revoked_at_ms', 'is', null);
    return (await q.orderBy('created_at_ms').orderBy('id').execute()).map(toClient);
  }

  /** Which of these clients are revoked (one query per 500 ids). */
  async revokedAmong(ids: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.store.db.selectFrom('oadr_clients').select('id').where('id', 'in', ids.slice(i, i + 500)).where('revoked_at_ms', 'is not', null).execute();
      for (const r of rows) out.add(r.id);
    }
    return out;
  }

  /** Revokes a client: its secret and its tokens stop working. Returns undefined when unknown. */
  async revoke(id: string): Promise<OAuthClient | undefined> {
    await this.store.db.updateTable('oadr_clients').set({ revoked_at_ms: this.now() }).where('id', '=', id).where('revoked_at_ms', 'is', null).execute();
    return this.get(id);
  }
}
