/**
 * The plan's predicted bill, kept beside the objective: every cost term the dispatch model adds
 * is also booked under its bill component (energy, demand, capacity, fixed, minimum, export
 * credit, carbon, …) and local month, so the solved model reports the bill it expects, line for
 * line comparable with the simulated bill.
 */
import { BILL_COMPONENTS, emptyBreakdown, type BillBreakdown } from '../billing/bill.ts';
import type { LinearModel } from '../optimize/index.ts';

/** A bill component name. */
export type BillComponent = keyof BillBreakdown;

/** The components the utility bills (the minimum charge tops these up). */
export const UTILITY_COMPONENTS: ReadonlySet<BillComponent> = new Set(['energy', 'demand', 'capacity', 'fixed', 'exportCredit']);

/** Cost terms of one site's bill, booked as the model is built. */
export class BillBook {
  private readonly comp: number[] = [];
  private readonly col: number[] = [];
  private readonly coef: number[] = [];
  private readonly month: number[] = [];
  private readonly constants: Array<{ comp: number; month: number; value: number }> = [];

  constructor(private readonly lp: LinearModel) {}

  /** Adds `coef` to column `col`'s objective cost and books it under a component (and month, or −1). */
  add(component: BillComponent, col: number, coef: number, month = -1): void {
    if (coef === 0) return;
    this.lp.addCost(col, coef);
    this.comp.push(BILL_COMPONENTS.indexOf(component));
    this.col.push(col);
    this.coef.push(coef);
    this.month.push(month);
  }

  /** Adds a constant to the objective and books it. */
  constant(component: BillComponent, value: number, month = -1): void {
    if (value === 0) return;
    this.lp.objectiveConstant += value;
    this.constants.push({ comp: BILL_COMPONENTS.indexOf(component), month, value });
  }

  /** The utility's terms of one month: columns, coefficients and a constant. */
  utilityTerms(month: number): { cols: number[]; coefs: number[]; constant: number } {
    const cols: number[] = [];
    const coefs: number[] = [];
    let constant = 0;
    for (let i = 0; i < this.col.length; i++) {
      if (this.month[i] !== month || !UTILITY_COMPONENTS.has(BILL_COMPONENTS[this.comp[i]!]!)) continue;
      cols.push(this.col[i]!);
      coefs.push(this.coef[i]!);
    }
    for (const c of this.constants) if (c.month === month && UTILITY_COMPONENTS.has(BILL_COMPONENTS[c.comp]!)) constant += c.value;
    return { cols, coefs, constant };
  }

  /** The bill the solution `x` implies, by component. */
  evaluate(x: ArrayLike<number>): BillBreakdown {
    const out = emptyBreakdown();
    for (let i = 0; i < this.col.length; i++) out[BILL_COMPONENTS[this.comp[i]!]!] += this.coef[i]! * x[this.col[i]!]!;
    for (const c of this.constants) out[BILL_COMPONENTS[c.comp]!] += c.value;
    return out;
  }
}
