/** Setpoint adapter that keeps the latest setpoints per site and event in memory (the demo's virtual sites read them). */
import type { SiteSetpoints } from '../../../respond/setpoints.ts';
import type { SetpointAdapter } from './types.ts';

/** Latest setpoints by `site/event`, and how many times each was published. */
export class MemoryAdapter implements SetpointAdapter {
  readonly name = 'memory';
  readonly latest = new Map<string, SiteSetpoints>();
  readonly published = new Map<string, number>();

  publish(sp: SiteSetpoints): Promise<void> {
    const k = `${sp.site}/${sp.eventId}`;
    this.latest.set(k, sp);
    this.published.set(k, (this.published.get(k) ?? 0) + 1);
    return Promise.resolve();
  }
}
