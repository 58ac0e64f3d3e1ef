import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXAMPLES_DOC, exampleFacts, regeneratedDoc } from './example-facts.ts';

describe('docs/examples.md', () => {
  const doc = readFileSync(EXAMPLES_DOC, 'utf8');

  it('has the facts of every example exactly as the files give them (regenerate with npm run docs:examples)', () => {
    expect(doc).toBe(regeneratedDoc(doc));
  });

  it('has a facts block for every example file', () => {
    const files = readdirSync(new URL('../../examples/', import.meta.url)).filter((f) => f.endsWith('.yaml'));
    for (const f of files) expect(doc, f).toContain(`<!-- facts: ${f} -->\n${exampleFacts(f)}\n<!-- /facts -->`);
  });

  it('would notice a changed design PUE or horizon', () => {
    const stale = doc.replace('design PUE 1.26 at 40 °C', 'design PUE 1.15 at 40 °C').replace('2025-05-03 14:45 to 2025-05-03 21:15', '2025-05-03 14:00 to 2025-05-03 22:00');
    expect(stale).not.toBe(doc);
    expect(regeneratedDoc(stale)).toBe(doc);
  });
});
