import { describe, expect, it } from 'vitest';
import { ledgerBits, makeLedger, payloadNaN, unequalColumns } from './ledger-fixture.ts';

describe('unequalColumns', () => {
  it('names exactly the columns whose 64-bit patterns differ, as comparing ledgerBits does', () => {
    const a = makeLedger({ sites: 2, steps: 48, seed: 3 });
    expect(unequalColumns(a, makeLedger({ sites: 2, steps: 48, seed: 3 }))).toEqual([]);
    const b = makeLedger({ sites: 2, steps: 48, seed: 3 });
    const site = b.sites[1]!;
    // equal as numbers, not as bits: 0 and -0, and two NaNs with different payloads
    a.sites[1]!.gridImportKW[5] = 0;
    site.gridImportKW[5] = -0;
    a.sites[1]!.workloads[0]!.gpus[7] = payloadNaN();
    site.workloads[0]!.gpus[7] = Number.NaN;
    const names = unequalColumns(a, b);
    expect(names).toEqual([`${site.id}/gridImportKW`, `${site.id}/${site.workloads[0]!.id}/gpus`]);
    const bits = [ledgerBits(a), ledgerBits(b)] as const;
    expect(Object.keys(bits[0]).filter((k) => bits[0][k]!.some((v, i) => v !== bits[1][k]![i]))).toEqual(names);
  });

  it('names a column that only one of the ledgers has', () => {
    const a = makeLedger({ sites: 2, steps: 48 });
    const b = makeLedger({ sites: 1, steps: 48 });
    expect(unequalColumns(a, b).length).toBeGreaterThan(0);
    expect(unequalColumns(a, b).every((k) => k.startsWith(`${a.sites[1]!.id}/`))).toBe(true);
  });
});
