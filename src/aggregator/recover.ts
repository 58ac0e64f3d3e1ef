/**
 * What an aggregator that restarts finds at its own VTN: the site events it sent before, read
 * back by the upstream event they came from. Its VTN is its journal: an upstream event already
 * dispatched is adopted (same site events, and no write where a site's event would not change),
 * so a restart neither sends a second set of events nor makes a VEN answer again.
 */
import { isDeepStrictEqual } from 'node:util';
import type { OadrObject, OpenAdrClient } from '../openadr/ven/client.ts';

/** Site events by upstream event key (`openAdrEventKey`), then by site. */
export type FoundSiteEvents = Map<string, Map<string, OadrObject>>;

/**
 * Reads the site events of the aggregator's site program. A site event's name starts with its
 * upstream event's key and ": " ("E1: dispatch to north", "E1: cancelled for north"), and it is
 * targeted at its site (siteEventHead in src/programs/openadr/event.ts).
 */
export async function readSiteEvents(downstream: OpenAdrClient, siteProgramId: string): Promise<FoundSiteEvents> {
  const out: FoundSiteEvents = new Map();
  for (const e of await downstream.listAll('/events', { programID: siteProgramId })) {
    const name = typeof e.eventName === 'string' ? e.eventName : '';
    const cut = name.indexOf(': ');
    const site = Array.isArray(e.targets) && typeof e.targets[0] === 'string' ? (e.targets[0] as string) : undefined;
    if (cut <= 0 || site === undefined || String(e.programID) !== siteProgramId) continue;
    const key = name.slice(0, cut);
    let bySite = out.get(key);
    if (!bySite) out.set(key, (bySite = new Map()));
    bySite.set(site, e);
  }
  return out;
}

/** Whether the VTN's copy of a site event already holds every field of `body` (a PUT would change nothing the VEN reads). */
export function sameSiteEvent(existing: OadrObject, body: Record<string, unknown>): boolean {
  const plain = (v: unknown) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
  return Object.keys(body).every((k) => isDeepStrictEqual(plain(existing[k]), plain(body[k])));
}
