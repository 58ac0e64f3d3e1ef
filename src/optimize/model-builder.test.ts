import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildBatteryFlexModel } from './battery-flex-model.ts';
import { LinearModel, ModelBuildError, modelSize, transpose, type CompiledModel, type SparseMatrix } from './model-builder.ts';

/** Dense matrix from a compressed one (major = columns for CSC, rows for CSR). */
function dense(mat: SparseMatrix, nMajor: number, nMinor: number, columnMajor: boolean): number[][] {
  const rows = columnMajor ? nMinor : nMajor;
  const cols = columnMajor ? nMajor : nMinor;
  const a = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  for (let k = 0; k < nMajor; k++) {
    for (let p = mat.starts[k] as number; p < (mat.starts[k + 1] as number); p++) {
      const other = mat.indices[p] as number;
      const [i, j] = columnMajor ? [other, k] : [k, other];
      (a[i] as number[])[j] = (a[i] as number[])[j] as number + (mat.values[p] as number);
    }
  }
  return a;
}

function strictlyAscending(mat: SparseMatrix, nMajor: number): boolean {
  for (let k = 0; k < nMajor; k++) {
    for (let p = (mat.starts[k] as number) + 1; p < (mat.starts[k + 1] as number); p++) {
      if ((mat.indices[p] as number) <= (mat.indices[p - 1] as number)) return false;
    }
  }
  return true;
}

describe('LinearModel', () => {
  it('property: CSC and CSR equal the dense sum of the terms, duplicates merged, zeros dropped', () => {
    const rowsArb = fc.integer({ min: 1, max: 8 }).chain((n) =>
      fc.record({
        n: fc.constant(n),
        rows: fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: -3, max: 3 })), { maxLength: 10 }), { maxLength: 8 }),
      }),
    );
    fc.assert(
      fc.property(rowsArb, ({ n, rows }) => {
        const m = new LinearModel();
        m.addVariables(n);
        const expected = rows.map(() => new Array<number>(n).fill(0));
        rows.forEach((terms, i) => {
          m.addRow(0, 1, terms.map((t) => t[0]), terms.map((t) => t[1]));
          for (const [j, v] of terms) (expected[i] as number[])[j] = (expected[i] as number[])[j] as number + v;
        });
        const c = m.compile({ shared: false });
        expect(dense(c.csc, n, rows.length, true)).toEqual(expected);
        expect(dense(c.csr, rows.length, n, false)).toEqual(expected);
        expect(strictlyAscending(c.csc, n)).toBe(true);
        // CSR keeps the caller's term order when nothing had to be merged; no duplicates either way
        for (let i = 0; i < rows.length; i++) {
          const cols = [...c.csr.indices.subarray(c.csr.starts[i], c.csr.starts[i + 1])];
          expect(new Set(cols).size).toBe(cols.length);
        }
        const nonzeros = expected.flat().filter((v) => v !== 0).length;
        expect(c.numNonzeros).toBe(nonzeros);
        expect(c.csc.values.every((v) => v !== 0)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('creates blocks with scalar, array and function values and names them lazily', () => {
    const m = new LinearModel();
    const g = m.addVariables(3, { namePrefix: 'g', upper: [1, 2, 3], cost: (k) => 10 * k });
    const q = m.addVariables(2, { nameFn: (k) => `soc[ulanqab,${k}]`, lower: 1, upper: 8 });
    const x = m.addVariable({ name: 'single', integer: true, upper: 4 });
    const anon = m.addVariable();
    const c = m.compile();
    expect([g, q, x, anon]).toEqual([0, 3, 5, 6]);
    expect([...c.colUpper]).toEqual([1, 2, 3, 8, 8, 4, Infinity]);
    expect([...c.colLower]).toEqual([0, 0, 0, 1, 1, 0, 0]);
    expect([...c.colCost]).toEqual([0, 10, 20, 0, 0, 0, 0]);
    expect([0, 2, 3, 4, 5, 6].map((j) => c.columnName(j))).toEqual(['g0', 'g2', 'soc[ulanqab,0]', 'soc[ulanqab,1]', 'single', 'x6']);
    expect([...(c.integrality ?? [])]).toEqual([0, 0, 0, 0, 0, 1, 0]);
    expect(modelSize(c)).toEqual({ columns: 7, rows: 0, nonzeros: 0, integerColumns: 1 });
  });

  it('names rows individually, by block, or by default', () => {
    const m = new LinearModel();
    const x = m.addVariable();
    m.addConstraint({ name: 'first', upper: 1, terms: { indices: [x], coefficients: [1] } });
    const start = m.numRows;
    for (let t = 0; t < 3; t++) m.addRow(0, 1, [x], [1]);
    m.nameRows(start, 3, (t) => `balance[t${t}]`);
    m.addRow(0, 1, [x], [1]);
    m.beginRow(-Infinity, 2, 'streamed');
    m.addTerm(x, 2);
    m.endRow();
    const c = m.compile();
    expect([0, 1, 3, 4, 5].map((i) => c.rowName(i))).toEqual(['first', 'balance[t0]', 'balance[t2]', 'r4', 'streamed']);
  });

  it('freezes a snapshot: later edits do not change a compiled model', () => {
    const m = new LinearModel();
    const x = m.addVariable({ cost: 1, upper: 5 });
    m.addRow(1, Infinity, [x], [1]);
    const before = m.compile();
    m.setCost(x, 9);
    m.setBounds(x, 0, 1);
    m.setRowBounds(0, 2, 3);
    m.nameColumns(0, 1, 'renamed');
    m.addRow(0, 1, [x], [1]);
    expect(before.colCost[0]).toBe(1);
    expect(before.colUpper[0]).toBe(5);
    expect(before.rowLower[0]).toBe(1);
    expect(before.numRows).toBe(1);
    expect(before.columnName(0)).toBe('x0');
    const after = m.compile();
    expect([after.colCost[0], after.colUpper[0], after.rowLower[0], after.rowUpper[0], after.numRows]).toEqual([9, 1, 2, 3, 2]);
    expect(after.columnName(0)).toBe('renamed0');
  });

  it('rejects bad indices, non-finite numbers and unbalanced row calls with the row or column named', () => {
    const m = new LinearModel();
    m.addVariables(2, { namePrefix: 'p' });
    expect(() => m.addConstraint({ name: 'cap', upper: 1, terms: { indices: [2], coefficients: [1] } })).toThrow(/row cap: column index 2 out of range 0..1/);
    expect(() => m.addConstraint({ name: 'cap', upper: 1, terms: { indices: [0], coefficients: [Number.NaN] } })).toThrow(/coefficient NaN of column p0/);
    expect(() => m.addVariable({ name: 'bad', lower: Number.NaN })).toThrow(ModelBuildError);
    expect(() => m.addVariable({ name: 'bad', cost: Infinity })).toThrow(/cost Infinity/);
    expect(() => m.addRow(Infinity, Infinity, [], [])).toThrow(/invalid bounds/);
    expect(() => m.addTerm(0, 1)).toThrow(/without beginRow/);
    m.beginRow(0, 1);
    expect(() => m.compile()).toThrow(/still open/);
    m.endRow();
    // a failed addConstraint leaves no half-written row behind
    expect(m.numRows).toBe(1);
    expect(m.compile().numRows).toBe(1);
  });

  it('allocates compiled arrays on shared memory unless asked not to', () => {
    const m = new LinearModel();
    m.addVariables(2);
    m.addRow(0, 1, [0, 1], [1, 1]);
    expect(m.compile().csc.values.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(m.compile({ shared: false }).csc.values.buffer).toBeInstanceOf(ArrayBuffer);
  });

  it('transpose is its own inverse', () => {
    const { model } = buildBatteryFlexModel({ hours: 48, sites: 2 });
    const c: CompiledModel = model.compile();
    const back = transpose(c.numRows, c.numColumns, c.csr.starts, c.csr.indices, c.csr.values);
    expect([...back.starts]).toEqual([...c.csc.starts]);
    expect([...back.indices]).toEqual([...c.csc.indices]);
    expect([...back.values]).toEqual([...c.csc.values]);
  });

  it('builds the study’s battery model with its published sizes and reports timings', () => {
    const one = buildBatteryFlexModel({ hours: 168, sites: 1 }).model.compile();
    expect([one.numColumns, one.numRows, one.numNonzeros]).toEqual([840, 343, 1511]);
    const five = buildBatteryFlexModel({ hours: 168, sites: 5 }).model.compile();
    expect([five.numColumns, five.numRows, five.numNonzeros]).toEqual([4200, 1883, 8395]);
    expect(five.timings.buildMs).toBeGreaterThanOrEqual(0);
    expect(five.timings.compileMs).toBeGreaterThanOrEqual(0);
    expect(five.columnName(0)).toBe('g[s0,t0]');
    expect(five.rowName(five.numRows - 1)).toBe('fleetImport[t167]');
  });
});
