import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressBar } from './progress.ts';

/** A writable that says it is a terminal and keeps what was written. */
function fakeTty(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let out = '';
  const w = new Writable({ write(chunk: Buffer, _enc, cb) { out += chunk.toString(); cb(); } }) as unknown as NodeJS.WriteStream & { isTTY: boolean; columns: number };
  w.isTTY = isTTY;
  w.columns = 160;
  (w as unknown as { cursorTo: () => boolean }).cursorTo = () => true;
  (w as unknown as { clearLine: () => boolean }).clearLine = () => true;
  return { stream: w, text: () => out };
}

describe('progressBar', () => {
  it('draws the share done, the time so far and what is happening on a terminal', async () => {
    const t = fakeTty(true);
    const bar = progressBar('plan (optimal)', true, t.stream);
    bar.update(0.3, 'solving: dual simplex, 14,620 iterations, about 25 s left');
    await new Promise((r) => setTimeout(r, 300));
    bar.update(0.2, 'solving: dual simplex, 15,000 iterations'); // never backwards
    bar.done();
    const out = t.text();
    expect(out).toContain('plan (optimal) [');
    expect(out).toContain(' 30%');
    expect(out).toContain('dual simplex, 14,620 iterations');
    expect(out).not.toContain(' 20%');
    expect(out).toContain('100%');
  });

  it('is silent off a terminal and with --json', () => {
    const off = fakeTty(false);
    const a = progressBar('plan', true, off.stream);
    a.update(0.5, 'x');
    a.done();
    expect(off.text()).toBe('');
    const json = fakeTty(true);
    const b = progressBar('plan', false, json.stream);
    b.update(0.5, 'x');
    b.done();
    expect(json.text()).toBe('');
  });
});
