/**
 * API tokens. A secret is `ws_` + 32 random bytes in base64url (256 bits). Only its SHA-256 is
 * stored: for a random 256-bit secret a fast hash is as safe as a slow one (a slow hash such
 * as scrypt protects guessable passwords, and would cost every API request tens of ms). Lookup
 * is by the hash; the found hash is then compared with timingSafeEqual.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { StoreContext } from './context.ts';
import type { TokensTable } from './database.ts';
import { StoreError } from './errors.ts';
import { newId } from './ids.ts';
import type { TokenRepository } from './store.ts';
import { ROLES, type CreatedToken, type Role, type TokenInfo } from './types.ts';

/** Prefix of every token secret (lets secret scanners recognise leaked tokens). */
export const TOKEN_PREFIX = 'ws_';
const SECRET_PATTERN = /^ws_[A-Za-z0-9_-]{43}$/;
/** last_used is written at most this often per token, so verifying is not a write per request. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** True when `held` is at least as strong as `needed` (viewer < operator < admin). */
export function roleAllows(held: Role, needed: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(needed);
}

/** True for a known role name. */
export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}

function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

function toInfo(r: Selectable<TokensTable>): TokenInfo {
  return { id: r.id, name: r.name, role: r.role as Role, createdAtMs: r.created_at_ms, lastUsedAtMs: r.last_used_at_ms, revokedAtMs: r.revoked_at_ms };
}

/** SQL-backed tokens. */
export class SqlTokenRepository implements TokenRepository {
  constructor(private readonly ctx: StoreContext) {}

  async create(role: Role, name: string | null = null): Promise<CreatedToken> {
    if (!isRole(role)) throw new RangeError(`unknown role "${String(role)}"; valid: ${ROLES.join(', ')}`);
    const secret = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const t = this.ctx.now();
    const row = await this.ctx.db
      .insertInto('tokens')
      .values({ id: newId(t), name, role, secret_sha256: hashSecret(secret).toString('hex'), created_at_ms: t, last_used_at_ms: null, revoked_at_ms: null })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { ...toInfo(row), secret };
  }

  async verify(secret: string): Promise<{ id: string; role: Role; name: string | null } | null> {
    if (typeof secret !== 'string' || !SECRET_PATTERN.test(secret)) return null;
    const hash = hashSecret(secret);
    const row = await this.ctx.db.selectFrom('tokens').selectAll().where('secret_sha256', '=', hash.toString('hex')).executeTakeFirst();
    if (!row) return null;
    const stored = Buffer.from(row.secret_sha256, 'hex');
    if (stored.length !== hash.length || !timingSafeEqual(stored, hash)) return null;
    if (row.revoked_at_ms !== null) return null;
    const t = this.ctx.now();
    if (row.last_used_at_ms === null || t - row.last_used_at_ms >= LAST_USED_RESOLUTION_MS) {
      await this.ctx.db.updateTable('tokens').set({ last_used_at_ms: t }).where('id', '=', row.id).execute();
    }
    return { id: row.id, role: row.role as Role, name: row.name };
  }

  async list(opts: { includeRevoked?: boolean } = {}): Promise<TokenInfo[]> {
    let qb = this.ctx.db.selectFrom('tokens').selectAll();
    if (!opts.includeRevoked) qb = qb.where('revoked_at_ms', 'is', null);
    return (await qb.orderBy('id').execute()).map(toInfo);
  }

  async get(id: string): Promise<TokenInfo | undefined> {
    const row = await this.ctx.db.selectFrom('tokens').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toInfo(row);
  }

  async revoke(id: string): Promise<TokenInfo> {
    await this.ctx.db.updateTable('tokens').set({ revoked_at_ms: this.ctx.now() }).where('id', '=', id).where('revoked_at_ms', 'is', null).execute();
    const t = await this.get(id);
    if (!t) throw new StoreError('NOT_FOUND', `token ${id} does not exist`, { tokenId: id });
    return t;
  }
}
