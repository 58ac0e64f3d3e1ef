/**
 * Access tokens of the VTN: JWTs signed with ES256 by `jose`, with a key made at first start and
 * kept in the store (so tokens survive a restart and several VTN processes on one database
 * accept each other's tokens). Optionally, tokens of an external OAuth2 issuer are accepted too:
 * verified against its JWKS (fetched and cached by jose) with the configured issuer and audience.
 *
 * Claims of our tokens: iss, aud, sub (= client_id), client_id, scope (space-separated), role
 * ('bl' | 'ven'), iat, exp, jti. A revoked client's tokens are refused (checked per request,
 * cached for {@link CLIENT_CACHE_MS}).
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, createLocalJWKSet, createRemoteJWKSet, errors, exportJWK, generateKeyPair, importJWK, jwtVerify, type JWK, type JWTPayload, type JWTVerifyGetKey, type CryptoKey } from 'jose';
import { newId } from '../../../store/ids.ts';
import type { Store } from '../../../store/store.ts';
import type { OAuthClient, OAuthClients } from './clients.ts';
import { isScope, roleOfScopes, type ClientRole, type Principal } from './scopes.ts';

/** Signature algorithm of the VTN's own tokens. */
export const TOKEN_ALG = 'ES256';
/** Default token lifetime, seconds (one hour, the spec's example `expires_in`). */
export const DEFAULT_TOKEN_LIFETIME_S = 3600;
/** How long a client's "not revoked" is remembered, ms: a revocation takes effect within this. */
export const CLIENT_CACHE_MS = 5_000;
/**
 * Most of our own tokens whose signature is remembered as verified. An ES256 verification costs
 * ~0.3 ms of CPU and a VEN sends the same token with every request until it expires; the expiry
 * and the client's revocation are still checked on every request.
 */
export const VERIFIED_CACHE_SIZE = 10_000;

/** An issuer whose tokens the VTN accepts besides its own. */
export interface ExternalIssuer {
  /** Expected `iss`. */
  issuer: string;
  /** Expected `aud`. */
  audience: string;
  /** Where its public keys are (JSON Web Key Set). */
  jwksUrl: string;
  /** Claims holding the client id, first present wins (default: client_id, azp, sub). */
  clientIdClaims?: string[];
}

/** Token settings of the VTN. */
export interface TokenOptions {
  /** `iss` of our tokens (default `wattshift-vtn`). */
  issuer?: string;
  /** `aud` of our tokens (default `openadr3`). */
  audience?: string;
  /** Lifetime of our tokens, seconds. */
  lifetimeS?: number;
  /** Accept tokens of this issuer too. */
  external?: ExternalIssuer;
  /** Clock, UTC ms (tests). */
  now?: () => number;
}

/** Why a token was refused. */
export class TokenError extends Error {
  override readonly name = 'TokenError';
}

/** The token endpoint's answer (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

/** Loads the signing key from the store, making one on first start. */
async function signingKey(store: Store, now: () => number): Promise<{ kid: string; privateKey: CryptoKey; publicJwk: JWK }> {
  let row = await store.db.selectFrom('oadr_signing_keys').selectAll().orderBy('created_at_ms').orderBy('kid').executeTakeFirst();
  if (!row) {
    const { privateKey, publicKey } = await generateKeyPair(TOKEN_ALG, { extractable: true });
    const t = now();
    const kid = newId(t);
    const priv = await exportJWK(privateKey);
    const pub = await exportJWK(publicKey);
    // two processes starting at once may both make a key; both then use the oldest one
    await store.db
      .insertInto('oadr_signing_keys')
      .values({ kid, alg: TOKEN_ALG, private_jwk: JSON.stringify({ ...priv, kid, alg: TOKEN_ALG }), public_jwk: JSON.stringify({ ...pub, kid, alg: TOKEN_ALG, use: 'sig' }), created_at_ms: t })
      .execute();
    row = await store.db.selectFrom('oadr_signing_keys').selectAll().orderBy('created_at_ms').orderBy('kid').executeTakeFirstOrThrow();
  }
  const privateKey = (await importJWK(JSON.parse(row.private_jwk) as JWK, row.alg)) as CryptoKey;
  return { kid: row.kid, privateKey, publicJwk: JSON.parse(row.public_jwk) as JWK };
}

function scopesOf(payload: JWTPayload): Set<string> {
  const raw = payload.scope ?? payload.scp;
  const list = typeof raw === 'string' ? raw.split(' ') : Array.isArray(raw) ? raw.map(String) : [];
  return new Set(list.filter(isScope));
}

/** Issues and verifies the VTN's access tokens. */
export class TokenService {
  readonly issuer: string;
  readonly audience: string;
  readonly lifetimeS: number;
  readonly external: ExternalIssuer | undefined;
  readonly #now: () => number;
  readonly #own: JWTVerifyGetKey;
  readonly #remote: JWTVerifyGetKey | undefined;
  readonly #clientCache = new Map<string, number>();
  /** Our own tokens already verified (signature, issuer, audience, algorithm) → their payload. */
  readonly #verified = new Map<string, JWTPayload>();

  private constructor(
    private readonly clients: OAuthClients,
    private readonly key: { kid: string; privateKey: CryptoKey; publicJwk: JWK },
    opts: TokenOptions,
  ) {
    this.issuer = opts.issuer ?? 'wattshift-vtn';
    this.audience = opts.audience ?? 'openadr3';
    this.lifetimeS = opts.lifetimeS ?? DEFAULT_TOKEN_LIFETIME_S;
    this.external = opts.external;
    this.#now = opts.now ?? Date.now;
    this.#own = createLocalJWKSet({ keys: [key.publicJwk] });
    this.#remote = opts.external ? createRemoteJWKSet(new URL(opts.external.jwksUrl), { timeoutDuration: 5000 }) : undefined;
  }

  /** Opens the service: loads (or makes) the signing key. */
  static async open(store: Store, clients: OAuthClients, opts: TokenOptions = {}): Promise<TokenService> {
    if (opts.external && opts.external.issuer === (opts.issuer ?? 'wattshift-vtn')) throw new Error('the external issuer must differ from the VTN\'s own issuer name');
    return new TokenService(clients, await signingKey(store, opts.now ?? Date.now), opts);
  }

  /** The public key set of our tokens (what a JWKS endpoint would serve). */
  jwks(): { keys: JWK[] } {
    return { keys: [this.key.publicJwk] };
  }

  /** A token for `client` with `scopes` (already checked against the client's). */
  async issue(client: OAuthClient, scopes: readonly string[]): Promise<TokenResponse> {
    const nowS = Math.floor(this.#now() / 1000);
    const scope = scopes.join(' ');
    const jwt = await new SignJWT({ client_id: client.id, scope, role: client.role })
      .setProtectedHeader({ alg: TOKEN_ALG, kid: this.key.kid, typ: 'at+jwt' })
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setSubject(client.id)
      .setIssuedAt(nowS)
      .setExpirationTime(nowS + this.lifetimeS)
      .setJti(randomUUID())
      .sign(this.key.privateKey);
    return { access_token: jwt, token_type: 'Bearer', expires_in: this.lifetimeS, scope };
  }

  /** The principal of a bearer token; throws TokenError (answered with 401) when it is not valid. */
  async verify(token: string): Promise<Principal> {
    const currentDate = new Date(this.#now());
    let payload: JWTPayload;
    let external = false;
    const known = this.#verified.get(token);
    try {
      const unverifiedIss = issuerOf(token);
      if (known) {
        // the signature and fixed claims were checked; time moves on, so the expiry is checked again
        if (typeof known.exp !== 'number' || known.exp <= Math.floor(currentDate.getTime() / 1000)) {
          this.#verified.delete(token);
          throw new errors.JWTExpired('"exp" claim timestamp check failed', known, 'exp', 'check_failed');
        }
        payload = known;
      } else if (this.#remote && this.external && unverifiedIss === this.external.issuer) {
        external = true;
        ({ payload } = await jwtVerify(token, this.#remote, { issuer: this.external.issuer, audience: this.external.audience, currentDate, clockTolerance: 30 }));
      } else {
        ({ payload } = await jwtVerify(token, this.#own, { issuer: this.issuer, audience: this.audience, currentDate, algorithms: [TOKEN_ALG] }));
        if (this.#verified.size >= VERIFIED_CACHE_SIZE) this.#verified.delete(this.#verified.keys().next().value!);
        this.#verified.set(token, payload);
      }
    } catch (e) {
      if (e instanceof errors.JWTExpired) throw new TokenError('the access token has expired; fetch a new one from the token endpoint');
      if (e instanceof errors.JOSEError) throw new TokenError(`the access token is not valid (${e.code})`);
      throw e;
    }
    const scopes = scopesOf(payload);
    if (external) {
      const claims = this.external?.clientIdClaims ?? ['client_id', 'azp', 'sub'];
      const id = claims.map((c) => payload[c]).find((v): v is string => typeof v === 'string' && v.length > 0);
      if (!id) throw new TokenError(`the access token names no client (claims ${claims.join(', ')})`);
      const role = payload.role === 'bl' || payload.role === 'ven' ? (payload.role as ClientRole) : roleOfScopes(scopes);
      return { clientId: id, role, scopes };
    }
    const id = payload.sub;
    const role = payload.role;
    if (typeof id !== 'string' || (role !== 'bl' && role !== 'ven')) throw new TokenError('the access token lacks sub or role');
    await this.#assertActive(id);
    return { clientId: id, role, scopes };
  }

  async #assertActive(clientId: string): Promise<void> {
    const t = this.#now();
    const seen = this.#clientCache.get(clientId);
    if (seen !== undefined && t - seen < CLIENT_CACHE_MS) return;
    const c = await this.clients.get(clientId);
    if (!c || c.revokedAtMs !== null) {
      this.#clientCache.delete(clientId);
      throw new TokenError(`client ${clientId} is no longer registered`);
    }
    if (this.#clientCache.size > 100_000) this.#clientCache.clear();
    this.#clientCache.set(clientId, t);
  }
}

/** The `iss` claim of a compact JWT, unverified (to pick the key set), or undefined. */
function issuerOf(token: string): string | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const iss = (JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { iss?: unknown }).iss;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}
