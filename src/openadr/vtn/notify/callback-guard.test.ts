/** The callback policy: what each allow-list entry lets through. */
import { describe, expect, it } from 'vitest';
import { CallbackGuard, CallbackRefused } from './callback-guard.ts';
import { backoffMs } from './webhooks.ts';

describe('callback policy', () => {
  it('allows nothing by default', async () => {
    const g = new CallbackGuard({ allow: [] });
    expect(g.allowsAddress('8.8.8.8')).toBe(false);
    await expect(g.check('https://8.8.8.8/x')).rejects.toThrow(/nothing \(no callback networks are configured\)/);
  });
  it('"public" allows global addresses and no special-purpose range', () => {
    const g = new CallbackGuard({ allow: ['public'] });
    for (const ok of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111']) expect(g.allowsAddress(ok), ok).toBe(true);
    for (const bad of ['127.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '::1', 'fe80::1', 'fd00::1', '::ffff:10.0.0.1', '64:ff9b::a00:1', '2002:a00:1::1', '198.18.0.1']) expect(g.allowsAddress(bad), bad).toBe(false);
  });
  it('CIDR blocks, single addresses and "loopback"', () => {
    const g = new CallbackGuard({ allow: ['10.20.0.0/16', '192.0.2.7', 'loopback'] });
    expect(g.allowsAddress('10.20.3.4')).toBe(true);
    expect(g.allowsAddress('10.21.0.1')).toBe(false);
    expect(g.allowsAddress('192.0.2.7')).toBe(true);
    expect(g.allowsAddress('192.0.2.8')).toBe(false);
    expect(g.allowsAddress('127.0.0.53')).toBe(true);
    expect(g.allowsAddress('::ffff:127.0.0.1')).toBe(true);
    expect(() => new CallbackGuard({ allow: ['10.0.0.0/33'] })).toThrow(/prefix/);
    expect(() => new CallbackGuard({ allow: ['intranet'] })).toThrow(/not an IP address/);
  });
  it('https only unless http is allowed; no credentials in the URL', () => {
    const g = new CallbackGuard({ allow: ['public'] });
    expect(() => g.checkUrl('http://8.8.8.8/x')).toThrow(CallbackRefused);
    expect(() => g.checkUrl('https://8.8.8.8/x')).not.toThrow();
    expect(() => g.checkUrl('https://u:p@8.8.8.8/x')).toThrow(/credentials/);
    expect(() => g.checkUrl('not a url')).toThrow(/absolute URL/);
    expect(() => new CallbackGuard({ allow: ['public'], allowHttp: true }).checkUrl('http://8.8.8.8/x')).not.toThrow();
  });
});

describe('retry back-off', () => {
  it('doubles from the base, caps, and keeps jitter within [0.5, 1) of the step', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, 1000, 5000, 0))).toEqual([500, 1000, 2000, 2500, 2500]);
    expect([1, 2, 3].map((n) => backoffMs(n, 1000, 60_000, 0.999999))).toEqual([1000, 2000, 4000]);
  });
});
