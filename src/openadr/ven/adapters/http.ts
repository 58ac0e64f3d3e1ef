/** Setpoint adapter that POSTs the setpoints as JSON to a site controller's URL (a webhook). */
import type { SiteSetpoints } from '../../../respond/setpoints.ts';
import type { SetpointAdapter } from './types.ts';

/** POSTs to `url` with an optional bearer token; a non-2xx answer is an error. */
export class HttpAdapter implements SetpointAdapter {
  readonly name = 'http';
  constructor(private readonly url: string, private readonly opts: { bearerToken?: string; timeoutMs?: number } = {}) {}

  async publish(sp: SiteSetpoints): Promise<void> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.opts.bearerToken) headers.authorization = `Bearer ${this.opts.bearerToken}`;
    const r = await fetch(this.url, { method: 'POST', headers, body: JSON.stringify(sp), redirect: 'error', signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000) });
    await r.arrayBuffer();
    if (!r.ok) throw new Error(`setpoints for ${sp.site} to ${this.url}: HTTP ${r.status}`);
  }
}
