/** Setpoint adapter that writes each event's setpoints as JSON files (atomically: temp file, then rename). */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SiteSetpoints } from '../../../respond/setpoints.ts';
import type { SetpointAdapter } from './types.ts';

/** Writes `<dir>/<site>--<event>.json`; a later answer to the same event replaces the file. */
export class FileAdapter implements SetpointAdapter {
  readonly name = 'file';
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  publish(sp: SiteSetpoints): Promise<void> {
    const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]+/g, '-');
    const path = join(this.dir, `${safe(sp.site)}--${safe(sp.eventId)}.json`);
    writeFileSync(`${path}.tmp`, `${JSON.stringify(sp, null, 2)}\n`);
    renameSync(`${path}.tmp`, path);
    return Promise.resolve();
  }
}
