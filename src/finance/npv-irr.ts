/**
 * Net present value and internal rate of return. Flows are per period, `flows[t]` at the end of
 * period t (t = 0 is "now", undiscounted). IRR is found robustly: every sign change of NPV over
 * a wide bracket of rates (−99 % to +10⁸ %) is located on a log(1 + r) grid, then refined by Newton steps kept inside the
 * bracket (bisection when Newton would leave it). Flows with no root report none; flows whose
 * sign changes more than once may have several rates, and all found are reported.
 */

/** NPV of `flows` at `rate` per period. */
export function npv(rate: number, flows: ArrayLike<number>): number {
  const x = 1 / (1 + rate);
  // Horner from the last flow keeps one multiplication per period and no powers.
  let v = 0;
  for (let t = flows.length - 1; t >= 0; t--) v = v * x + flows[t]!;
  return v;
}

/** d NPV / d rate at `rate`. */
export function npvDerivative(rate: number, flows: ArrayLike<number>): number {
  const x = 1 / (1 + rate);
  let d = 0;
  for (let t = flows.length - 1; t >= 1; t--) d = d * x + t * flows[t]!;
  // d/dr Σ CF_t x^t = Σ −t CF_t x^(t+1); Horner above gives Σ t CF_t x^(t−1)
  return -d * x * x;
}

/** Outcome of an IRR search. */
export interface IrrResult {
  /** `unique`: one rate; `none`: NPV never crosses zero; `multiple`: several rates. */
  status: 'unique' | 'none' | 'multiple';
  /** The rate when unique, else null. */
  irr: number | null;
  /** Every rate found, ascending. */
  irrs: number[];
  /** Sign changes in the flows (Descartes: an upper bound on the number of rates above −100 %). */
  signChanges: number;
}

/** Number of sign changes in the flows, zeros skipped. */
export function signChanges(flows: ArrayLike<number>): number {
  let last = 0;
  let n = 0;
  for (let t = 0; t < flows.length; t++) {
    const s = Math.sign(flows[t]!);
    if (s === 0) continue;
    if (last !== 0 && s !== last) n++;
    last = s;
  }
  return n;
}

/** Search range of rates: from −99 % to +10⁸ % per period, on a log(1 + r) grid. */
const LOG_MIN = Math.log(0.01);
const LOG_MAX = Math.log(1e6);
const GRID = 6000;

function refine(flows: ArrayLike<number>, lo: number, hi: number, flo: number): number {
  let a = lo;
  let b = hi;
  let fa = flo;
  let r = 0.5 * (a + b);
  for (let i = 0; i < 200; i++) {
    const f = npv(r, flows);
    if (f === 0) return r;
    if (Math.sign(f) === Math.sign(fa)) {
      a = r;
      fa = f;
    } else b = r;
    const d = npvDerivative(r, flows);
    let next = d !== 0 ? r - f / d : NaN;
    // Newton converges fast near a simple root; keep it inside the bracket or bisect.
    if (!(next > a && next < b)) next = 0.5 * (a + b);
    if (Math.abs(next - r) <= 1e-14 * Math.max(1, Math.abs(r)) || b - a <= 1e-15 * Math.max(1, Math.abs(a))) return next;
    r = next;
  }
  return r;
}

/** Every IRR of `flows` in (−99 %, +10⁸ %) per period. */
export function irr(flows: ArrayLike<number>): IrrResult {
  const changes = signChanges(flows);
  const none: IrrResult = { status: 'none', irr: null, irrs: [], signChanges: changes };
  if (changes === 0) return none;
  const scale = Array.from({ length: flows.length }, (_, t) => Math.abs(flows[t]!)).reduce((a, b) => a + b, 0);
  const roots: number[] = [];
  const rateAt = (i: number) => Math.exp(LOG_MIN + ((LOG_MAX - LOG_MIN) * i) / GRID) - 1;
  let r0 = rateAt(0);
  let f0 = npv(r0, flows);
  let fPrev = NaN;
  for (let i = 1; i <= GRID; i++) {
    const r1 = rateAt(i);
    const f1 = npv(r1, flows);
    if (f0 === 0) roots.push(r0);
    else if (f1 !== 0 && Math.sign(f0) !== Math.sign(f1)) roots.push(refine(flows, r0, r1, f0));
    else if (Number.isFinite(fPrev) && Math.abs(f0) < Math.abs(fPrev) && Math.abs(f0) < Math.abs(f1) && Math.sign(fPrev) === Math.sign(f0) && Math.sign(f1) === Math.sign(f0)) {
      // |NPV| dips without crossing: a double root touches zero here only if the dip reaches it
      const r = touchRoot(flows, rateAt(i - 2), r1);
      if (Math.abs(npv(r, flows)) <= 1e-10 * scale) roots.push(r);
    }
    fPrev = f0;
    r0 = r1;
    f0 = f1;
  }
  if (f0 === 0) roots.push(r0);
  const irrs = roots.sort((a, b) => a - b).filter((r, i, a) => i === 0 || r - a[i - 1]! > 1e-9);
  if (irrs.length === 0) return none;
  return { status: irrs.length === 1 ? 'unique' : 'multiple', irr: irrs.length === 1 ? irrs[0]! : null, irrs, signChanges: changes };
}

/** Golden-section search for the rate minimising |NPV| in [a, b]. */
function touchRoot(flows: ArrayLike<number>, a: number, b: number): number {
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  for (let i = 0; i < 100; i++) {
    if (Math.abs(npv(c, flows)) < Math.abs(npv(d, flows))) b = d;
    else a = c;
    c = b - g * (b - a);
    d = a + g * (b - a);
  }
  return 0.5 * (a + b);
}
