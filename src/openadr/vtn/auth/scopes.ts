/**
 * OAuth2 scopes of OpenADR 3.1 and the two kinds of client that hold them. The spec describes
 * each scope by who holds it (securitySchemes.oAuth2ClientCredentials): business-logic (BL)
 * clients read everything and write programs and events; VENs read what is targeted at them or
 * owned by them and write reports. An operation needs the scope the spec lists for it; read_all
 * also satisfies read_targets and read_ven_objects ("BL can read all resources").
 */

/** Kind of OAuth2 client: business logic (the utility or aggregator side) or a VEN. */
export type ClientRole = 'bl' | 'ven';

/** Every scope of the (patched) spec. */
export const SCOPES = ['read_all', 'read_bl', 'read_targets', 'read_ven_objects', 'write_programs', 'write_events', 'write_reports', 'write_subscriptions', 'write_vens'] as const;

/** A scope of {@link SCOPES}. */
export type Scope = (typeof SCOPES)[number];

/** The scopes each role holds, from the spec's descriptions of the scopes. */
export const ROLE_SCOPES: Readonly<Record<ClientRole, readonly Scope[]>> = {
  bl: ['read_all', 'read_bl', 'write_programs', 'write_events', 'write_subscriptions', 'write_vens'],
  ven: ['read_targets', 'read_ven_objects', 'write_reports', 'write_subscriptions', 'write_vens'],
};

/** Scopes that read_all stands in for. */
const IMPLIED_BY_READ_ALL: readonly string[] = ['read_targets', 'read_ven_objects'];

/** True for a known scope name. */
export function isScope(s: string): s is Scope {
  return (SCOPES as readonly string[]).includes(s);
}

/** True when a token holding `held` may call an operation that requires `required` (any of them). */
export function scopesAllow(held: ReadonlySet<string>, required: readonly string[]): boolean {
  if (required.length === 0) return true;
  return required.some((r) => held.has(r) || (IMPLIED_BY_READ_ALL.includes(r) && held.has('read_all')));
}

/** The role a token's scopes imply (for tokens of an external issuer without a role claim). */
export function roleOfScopes(scopes: ReadonlySet<string>): ClientRole {
  return ['read_all', 'read_bl', 'write_programs', 'write_events'].some((s) => scopes.has(s)) ? 'bl' : 'ven';
}

/** Who is calling: the client behind a verified access token. */
export interface Principal {
  clientId: string;
  role: ClientRole;
  scopes: ReadonlySet<string>;
}
