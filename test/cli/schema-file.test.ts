import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT, runInProcess } from './run-cli.ts';

describe('schema/scenario.schema.json (what the examples point editors at)', () => {
  it('is exactly what `wattshift schema` prints (regenerate with: npx wattshift schema > schema/scenario.schema.json)', async () => {
    const r = await runInProcess(['schema']);
    expect(readFileSync(`${ROOT}schema/scenario.schema.json`, 'utf8')).toBe(r.out);
  });
});
