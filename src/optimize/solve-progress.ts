/**
 * Progress of one long solve, estimated from the model's size and HiGHS's own log: which phase it
 * is in (presolve, dual simplex, interior point, crossover, postsolve), the time so far, the
 * iterations, a fraction done and the time left. Simplex is judged by iterations against the
 * number expected for the presolved rows; interior point by how far the duality gap has closed
 * on a log scale; crossover and postsolve are short tail phases.
 *
 * The estimate stands on log lines HiGHS writes by iteration, not by time: with
 * `log_dev_level` 1 the simplex reports every basis rebuild (a rebuild follows a count of updates
 * and HiGHS's synthetic clock, an operation count), and the interior point solver reports every
 * iteration. The same model therefore gives the same sequence of estimates on a fast or a busy
 * machine; only the presolve and crossover shares, which no iteration line measures, follow the
 * clock. Contract: fractions never go back, and {@link SolveProgressEstimator.finish} ends the
 * sequence at the whole solve with HiGHS's final iteration counts.
 */

/** One progress report of a running solve. */
export interface SolveProgress {
  phase: 'presolve' | 'simplex' | 'ipm' | 'crossover' | 'postsolve';
  elapsedSeconds: number;
  /** Iterations of the current phase so far. */
  iterations: number;
  /** Estimated share of the solve done, 0–1 (never decreasing). */
  fraction: number;
  /** Estimated seconds left, when the estimate has something to stand on. */
  remainingSeconds?: number;
}

/**
 * Dual simplex iterations per presolved row on the planner's models (measured: 0.7–1.9 on
 * site-years and fleet windows, `npm run bench -- lp-method`; an expected value a bit above the
 * middle keeps the estimate from running ahead).
 */
export const SIMPLEX_ITERATIONS_PER_ROW = 1.5;

/** IPX stops when the relative gap is below about 1e-8. */
const IPM_TARGET_GAP_LOG10 = -8;

/** Where each phase sits in the whole solve (fractions). */
const SPANS = {
  presolve: [0, 0.05],
  simplex: [0.05, 0.97],
  ipm: [0.05, 0.85],
  crossover: [0.85, 0.97],
  postsolve: [0.97, 1],
} as const;

const PHASE_WORDS: Record<SolveProgress['phase'], string> = {
  presolve: 'presolve',
  simplex: 'dual simplex',
  ipm: 'interior point',
  crossover: 'crossover',
  postsolve: 'postsolve',
};

/**
 * A solve's progress in words: `dual simplex, 14,620 iterations, about 25 s left`. The share done
 * and the time so far are reported beside it (the fraction, the caller's clock).
 */
export function describeSolveProgress(p: SolveProgress): string {
  const it = p.iterations > 0 ? `, ${p.iterations.toLocaleString('en-US')} iterations` : '';
  const left = p.remainingSeconds !== undefined ? `, about ${formatSeconds(p.remainingSeconds)} left` : '';
  return `${PHASE_WORDS[p.phase]}${it}${left}`;
}

function formatSeconds(s: number): string {
  if (s < 90) return `${Math.max(0, Math.round(s))} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** Turns HiGHS log lines into {@link SolveProgress} reports. */
export class SolveProgressEstimator {
  private phase: SolveProgress['phase'] = 'presolve';
  private rows: number;
  private iterations = 0;
  private gap0: number | undefined;
  private gapLog = Infinity;
  private best = 0;
  private phaseStart = 0;
  /** The last solving phase entered (simplex, interior point or crossover). */
  private method: 'simplex' | 'ipm' | 'crossover' | undefined;
  private readonly t0: number;

  /** `rows`: rows of the model before presolve (replaced by the presolved count when the log gives it). */
  constructor(rows: number, private readonly now: () => number = () => performance.now()) {
    this.rows = Math.max(1, rows);
    this.t0 = now();
  }

  /** Reads one HiGHS log message (the logging callback's text). */
  log(message: string): void {
    const m = message.trim();
    // "Presolve reductions: rows 9823(-1311); columns 20953(-947); ..." or "9823 rows, 20953 cols, 41176 nonzeros"
    const reduced = /reductions: rows (\d+)/.exec(m) ?? /^(\d+) rows, \d+ cols, \d+ nonzeros/.exec(m);
    if (reduced) this.rows = Math.max(1, Number(reduced[1]));
    if (/Using dual simplex solver|Using primal simplex solver/.test(m)) this.enter('simplex');
    else if (/^IPX model has|Interior point solve/.test(m)) this.enter('ipm');
    // not IPX's "Constructing starting basis...": that basis preconditions the interior point
    // iterations that follow it
    else if (/^Running crossover|^Crossover/.test(m)) this.enter('crossover');
    else if (/^Performed postsolve|^Postsolve|Solving the original LP from the solution after postsolve/.test(m)) this.enter('postsolve');
    if (this.phase === 'simplex') {
      // rebuild report (log_dev_level 1): "DuPh2       1200     3.19e+05 Pr: 1676(4673.33) Synthetic clock";
      // user report (by elapsed time): "36069     1.2345e+06 Pr: 12(3.4); Du: 0(1e-12) 5.5s" (or "Ph1: ...")
      const it = /^(?:(?:Du|Pr)Ph[12]\s+)?(\d+)\s+-?[\d.]+(?:e[+-]?\d+)?\s+(?:Ph1|Ph2|Pr|Du)/.exec(m);
      if (it) this.iterations = Math.max(this.iterations, Number(it[1]));
    }
    if (this.phase === 'ipm') {
      // IPX iteration line: "7    1.635e+06   1.614e+06   1.13e-05   1.81e-10  1.28e-02   0.4" ("21*" once
      // the step is a short one)
      const cols = m.split(/\s+/);
      if (cols.length >= 7 && /^\d+\*?$/.test(cols[0]!)) {
        this.iterations = Math.max(this.iterations, Number.parseInt(cols[0]!, 10));
        const gap = Number(cols[5]);
        if (gap > 0 && Number.isFinite(gap)) {
          this.gap0 ??= Math.max(gap, 1e-6);
          this.gapLog = Math.min(this.gapLog, Math.log10(gap));
        }
      }
    }
  }

  private enter(phase: SolveProgress['phase']): void {
    // postsolve is the tail: the summary after it ("Crossover iterations: 77") and a clean-up
    // solve of the original LP belong to it
    if (phase === this.phase || this.phase === 'postsolve') return;
    this.phase = phase;
    if (phase !== 'postsolve') this.method = phase === 'presolve' ? undefined : phase;
    this.iterations = 0;
    this.phaseStart = this.now();
  }

  /** The current estimate. */
  report(): SolveProgress {
    const elapsed = (this.now() - this.t0) / 1000;
    const [a, b] = SPANS[this.phase];
    let within = 0.5;
    if (this.phase === 'presolve') within = Math.min(0.9, elapsed / 5);
    else if (this.phase === 'simplex') {
      const expected = SIMPLEX_ITERATIONS_PER_ROW * this.rows;
      // past the expected count the end is near but unknown: approach it slowly
      within = this.iterations <= expected ? (0.9 * this.iterations) / expected : 0.9 + 0.1 * (1 - expected / this.iterations);
    } else if (this.phase === 'ipm') {
      const start = this.gap0 !== undefined ? Math.log10(this.gap0) : 1;
      const closed = Number.isFinite(this.gapLog) ? (start - this.gapLog) / (start - IPM_TARGET_GAP_LOG10) : 0;
      within = Math.max(Math.min(1, this.iterations / 80), Math.min(0.98, Math.max(0, closed)));
    } else if (this.phase === 'crossover') within = Math.min(0.9, ((this.now() - this.phaseStart) / 1000) / Math.max(1, elapsed));
    const fraction = Math.max(this.best, Math.min(1, a + (b - a) * within));
    this.best = fraction;
    const p: SolveProgress = { phase: this.phase, elapsedSeconds: elapsed, iterations: this.iterations, fraction };
    if (fraction > 0.1 && elapsed > 2) p.remainingSeconds = (elapsed * (1 - fraction)) / fraction;
    return p;
  }

  /**
   * The last report of a finished solve: the whole solve done, in the last solving phase the log
   * showed (postsolve when presolve alone solved it), with HiGHS's final iteration count of that
   * phase. `counts` are the solve's info (`simplex_iteration_count`, …).
   */
  finish(counts: { simplex: number; ipm: number; crossover: number }): SolveProgress {
    const elapsed = (this.now() - this.t0) / 1000;
    const phase = this.method ?? 'postsolve';
    const iterations = this.method ? Math.max(0, counts[this.method]) : 0;
    this.best = 1;
    return { phase, elapsedSeconds: elapsed, iterations, fraction: 1 };
  }
}
