/**
 * The VTN's settings as command-line options, defined once for `wattshift vtn serve` (unprefixed)
 * and `wattshift serve` (prefixed `--vtn-`): webhook callback allow-list, the MQTT notifier
 * (embedded broker or external one), token lifetime and issuer, and an external token issuer.
 */
import type { Command } from 'commander';
import { InputError } from '../errors/index.ts';
import type { NotifierOptions, VtnOptions } from '../openadr/vtn/index.ts';

/** One VTN option: its flag without the prefix, its help and its default. */
interface VtnOptionSpec {
  flag: string;
  arg?: string;
  help: string;
  default?: string;
}

/** Every VTN option, in the order `--help` lists them. */
export const VTN_OPTION_SPECS: readonly VtnOptionSpec[] = [
  { flag: 'allow-callbacks', arg: '<list>', help: 'networks webhook callbacks may reach: public, loopback, addresses, CIDR blocks (comma-separated; default none)' },
  { flag: 'allow-http-callbacks', help: 'accept http:// callback URLs (default: https only)' },
  { flag: 'mqtt-port', arg: '<n>', help: 'run the embedded MQTT broker on this port (0: any free port)' },
  { flag: 'mqtt-host', arg: '<address>', help: 'address of the embedded MQTT broker', default: '127.0.0.1' },
  { flag: 'mqtt-url', arg: '<url>', help: 'publish to an external MQTT broker instead (mqtt://user:password@host:1883)' },
  { flag: 'token-lifetime', arg: '<seconds>', help: 'lifetime of access tokens', default: '3600' },
  { flag: 'issuer', arg: '<name>', help: "iss of the VTN's tokens (default wattshift-vtn)" },
  { flag: 'external-issuer', arg: '<iss>', help: 'also accept tokens of this issuer (with external audience and JWKS)' },
  { flag: 'external-audience', arg: '<aud>', help: 'aud the external tokens must carry' },
  { flag: 'external-jwks', arg: '<url>', help: 'JWKS URL of the external issuer' },
];

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Adds the VTN options to a command, each flag as `--<prefix><flag>`. */
export function addVtnOptions(cmd: Command, prefix = ''): Command {
  for (const o of VTN_OPTION_SPECS) {
    const text = `--${prefix}${o.flag}${o.arg ? ` ${o.arg}` : ''}`;
    const help = prefix ? `VTN: ${o.help.replace('external audience and JWKS', `--${prefix}external-audience and --${prefix}external-jwks`)}` : o.help.replace('external audience and JWKS', '--external-audience and --external-jwks');
    if (o.default !== undefined) cmd.option(text, help, o.default);
    else cmd.option(text, help);
  }
  return cmd;
}

function portOf(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InputError('OPTION_INVALID', `${flag} must be a port number from 0 to 65535, got "${value}"`, { path: flag });
  return n;
}

/** The VTN settings (all but the store) the parsed options of a command ask for; bad values are InputErrors naming the flag. */
export function vtnOptionsFrom(flags: Record<string, unknown>, prefix = ''): Omit<VtnOptions, 'store'> {
  const get = (flag: string): string | undefined => {
    const v = flags[camel(`${prefix}${flag}`)];
    return typeof v === 'string' ? v : undefined;
  };
  const name = (flag: string) => `--${prefix}${flag}`;
  const lifetimeText = get('token-lifetime') ?? '3600';
  const lifetime = Number(lifetimeText);
  if (!Number.isInteger(lifetime) || lifetime < 60 || lifetime > 86_400) throw new InputError('OPTION_INVALID', `${name('token-lifetime')} must be whole seconds from 60 to 86400, got "${lifetimeText}"`, { path: name('token-lifetime') });
  const mqttPort = get('mqtt-port');
  const mqttUrl = get('mqtt-url');
  if (mqttPort !== undefined && mqttUrl !== undefined) throw new InputError('OPTION_INVALID', `give ${name('mqtt-port')} (embedded broker) or ${name('mqtt-url')} (external broker), not both`, { path: name('mqtt-url') });
  const ext = [get('external-issuer'), get('external-audience'), get('external-jwks')];
  if (ext.some(Boolean) && !ext.every(Boolean)) throw new InputError('OPTION_INVALID', `${name('external-issuer')}, ${name('external-audience')} and ${name('external-jwks')} go together`, { path: name('external-issuer') });
  let notifier: NotifierOptions = {};
  if (mqttPort !== undefined) notifier = { mqtt: { embedded: { host: get('mqtt-host') ?? '127.0.0.1', port: portOf(mqttPort, name('mqtt-port')) } } };
  if (mqttUrl !== undefined) {
    let u: URL;
    try {
      u = new URL(mqttUrl);
    } catch {
      throw new InputError('OPTION_INVALID', `${name('mqtt-url')} must be a URL such as mqtt://user:password@host:1883, got "${mqttUrl}"`, { path: name('mqtt-url') });
    }
    notifier = { mqtt: { external: { url: `${u.protocol}//${u.host}`, username: decodeURIComponent(u.username) || undefined, password: decodeURIComponent(u.password) || undefined } } };
  }
  const allow = get('allow-callbacks');
  return {
    auth: { lifetimeS: lifetime, issuer: get('issuer'), external: ext[0] ? { issuer: ext[0], audience: ext[1]!, jwksUrl: ext[2]! } : undefined },
    delivery: { callbacks: { allow: allow ? allow.split(',').map((s) => s.trim()).filter(Boolean) : [], allowHttp: flags[camel(`${prefix}allow-http-callbacks`)] === true } },
    notifier,
  };
}
