/**
 * Which callback URLs the VTN may call (a guard against server-side request forgery: a
 * subscription must not make the VTN post to the operator's internal services). The operator
 * lists what is allowed; nothing is allowed by default:
 *
 * - `public`: any globally routable address (not loopback, private, link-local, carrier-grade
 *   NAT, multicast, documentation or other special-purpose ranges of RFC 6890, nor IPv6
 *   translation prefixes that could embed such an IPv4 address);
 * - `loopback`: 127.0.0.0/8 and ::1;
 * - an address or CIDR block: `127.0.0.1`, `10.20.0.0/16`, `fd00::/8`.
 *
 * URLs must be https unless `allowHttp`. A host name is resolved and every address it resolves
 * to is checked; the connection is then made to a checked address (the lookup hook below is
 * given to the HTTP client), so a name cannot resolve to an allowed address at the check and a
 * forbidden one at the connection. Literal IP hosts are checked directly.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/** What the operator allows. */
export interface CallbackPolicy {
  /** `public`, `loopback`, addresses and CIDR blocks. Empty: no callbacks at all. */
  allow: string[];
  /** Accept http:// callbacks (default: https only). */
  allowHttp?: boolean;
}

/** A callback the policy refuses. */
export class CallbackRefused extends Error {
  override readonly name = 'CallbackRefused';
  readonly code = 'ECALLBACKREFUSED';
}

const SPECIAL_V4 = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24', '192.0.2.0/24', '192.88.99.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4'];
// IPv4-mapped addresses (::ffff:0:0/96) are unmapped and checked as IPv4 (a BlockList rule for
// that block would match every IPv4 address)
const SPECIAL_V6 = ['::/128', '::1/128', '64:ff9b::/96', '64:ff9b:1::/48', '100::/64', '2001::/23', '2001:db8::/32', '2002::/16', 'fc00::/7', 'fe80::/10', 'fec0::/10', 'ff00::/8'];

function addCidr(list: BlockList, cidr: string): void {
  const [addr, prefix] = cidr.split('/');
  const family = isIP(addr ?? '');
  if (!family) throw new Error(`"${cidr}" is not an IP address or CIDR block`);
  const type = family === 6 ? 'ipv6' : 'ipv4';
  if (prefix === undefined) list.addAddress(addr!, type);
  else {
    const n = Number(prefix);
    if (!Number.isInteger(n) || n < 0 || n > (family === 6 ? 128 : 32)) throw new Error(`"${cidr}" has a bad prefix length`);
    list.addSubnet(addr!, n, type);
  }
}

/** An IPv4-mapped IPv6 address as IPv4 (::ffff:10.0.0.1 → 10.0.0.1). */
function unmap(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m ? m[1]! : ip;
}

/** Checks callback URLs and the addresses they resolve to. */
export class CallbackGuard {
  readonly policy: CallbackPolicy;
  readonly #allowed = new BlockList();
  readonly #special = new BlockList();
  #public = false;

  constructor(policy: CallbackPolicy) {
    this.policy = { allow: [...policy.allow], allowHttp: policy.allowHttp ?? false };
    for (const c of SPECIAL_V4) addCidr(this.#special, c);
    for (const c of SPECIAL_V6) addCidr(this.#special, c);
    for (const entry of policy.allow) {
      const e = entry.trim();
      if (e === 'public') this.#public = true;
      else if (e === 'loopback') {
        addCidr(this.#allowed, '127.0.0.0/8');
        addCidr(this.#allowed, '::1/128');
      } else if (e) addCidr(this.#allowed, e);
    }
  }

  /** True when the policy allows connecting to `ip`. */
  allowsAddress(ip: string): boolean {
    const a = unmap(ip);
    const type = isIP(a) === 6 ? 'ipv6' : 'ipv4';
    if (this.#allowed.check(a, type)) return true;
    return this.#public && !this.#special.check(a, type);
  }

  /** What is allowed, for messages. */
  describe(): string {
    return this.policy.allow.length ? this.policy.allow.join(', ') : 'nothing (no callback networks are configured)';
  }

  /** Checks the URL's form and scheme, and a literal IP host. Throws CallbackRefused. */
  checkUrl(url: string): URL {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new CallbackRefused(`callbackUrl "${url}" is not an absolute URL`);
    }
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && this.policy.allowHttp)) {
      throw new CallbackRefused(`callbackUrl "${url}" must use https${this.policy.allowHttp ? ' or http' : ' (this VTN does not allow http callbacks)'}`);
    }
    if (u.username || u.password) throw new CallbackRefused(`callbackUrl "${url}" must not carry credentials; use bearerToken`);
    const host = u.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && !this.allowsAddress(host)) throw new CallbackRefused(`callbackUrl "${url}" points at ${host}, outside the callback networks this VTN allows (${this.describe()})`);
    return u;
  }

  /** checkUrl, then resolves a host name and checks every address. Throws CallbackRefused. */
  async check(url: string): Promise<void> {
    const u = this.checkUrl(url);
    const host = u.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) return;
    const addrs = await new Promise<LookupAddress[]>((resolve, reject) =>
      dnsLookup(host, { all: true }, (err, a) => (err ? reject(new CallbackRefused(`callbackUrl host ${host} cannot be resolved (${err.code ?? err.message})`)) : resolve(a))),
    );
    const bad = addrs.filter((a) => !this.allowsAddress(a.address));
    if (bad.length) throw new CallbackRefused(`callbackUrl host ${host} resolves to ${bad.map((a) => a.address).join(', ')}, outside the callback networks this VTN allows (${this.describe()})`);
  }

  /**
   * A `lookup` for net/tls connections: resolves, keeps the allowed addresses and fails when
   * none is left, so the client connects only to an address the policy allows.
   */
  readonly lookup = (hostname: string, options: { family?: number; hints?: number; all?: boolean }, callback: (err: NodeJS.ErrnoException | null, address?: string | LookupAddress[], family?: number) => void): void => {
    dnsLookup(hostname, { all: true, family: options.family ?? 0, hints: options.hints ?? 0 }, (err, addresses) => {
      if (err) return callback(err);
      const ok = addresses.filter((a) => this.allowsAddress(a.address));
      if (ok.length === 0) return callback(new CallbackRefused(`callback host ${hostname} resolves to ${addresses.map((a) => a.address).join(', ')}, outside the allowed callback networks (${this.describe()})`));
      if (options.all) callback(null, ok);
      else callback(null, ok[0]!.address, ok[0]!.family);
    });
  };
}
