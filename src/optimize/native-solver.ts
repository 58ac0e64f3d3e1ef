/**
 * Native solver binaries behind the {@link Solver} interface: the path for models above the
 * WebAssembly heap ceiling. The model is written as free MPS to a temporary directory, a binary
 * from PATH solves it (`highs` if present, else `cbc`, else `glpsol`), and its solution file is
 * parsed back into the same {@link SolveResult}.
 *
 * The file is written as a minimisation with indexed names and without the objective constant,
 * so the three readers cannot disagree on OBJSENSE or on the sign of an objective RHS; the
 * objective is recomputed from the returned point with the model's own costs and constant.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { trackProcessGroup, trackTempPath } from '../shutdown/cleanup.ts';
import { writeMpsFile } from './export-mps.ts';
import type { CompiledModel } from './model-builder.ts';
import { parseCbcSolution, parseGlpkSolution, parseHighsSolution, type NativeSolution } from './native-solution.ts';
import { objectiveValue } from './solution-check.ts';
import { resultWithoutPoint, type SolveOptions, type SolveResult, type Solver } from './solver.ts';

/** The native binaries this module can drive, in order of preference. */
export const NATIVE_BINARIES = ['highs', 'cbc', 'glpsol'] as const;

/** One of {@link NATIVE_BINARIES}. */
export type NativeBinary = (typeof NATIVE_BINARIES)[number];

const INSTALL_HINT: Record<NativeBinary, string> = {
  highs: 'build HiGHS from source or use a release binary (Debian bookworm has no package)',
  cbc: 'apt-get install coinor-cbc',
  glpsol: 'apt-get install glpk-utils',
};

/** A requested native solver binary is not installed. */
export class SolverUnavailableError extends Error {
  override readonly name = 'SolverUnavailableError';
  readonly code = 'SOLVER_UNAVAILABLE';
}

/** The solver outlived its own time limit plus the grace period and was killed. */
class KilledOnTimeLimit extends Error {}

/** Options of {@link NativeSolver}. */
export interface NativeSolverOptions {
  /** Which binary to use; default: the first of highs, cbc, glpsol found on PATH. */
  binary?: NativeBinary;
  /** Explicit executable path (skips the PATH lookup); `binary` then says how to drive it. */
  command?: string;
  /** Keep the temporary directory (model, solution, log) for inspection. */
  keepFiles?: boolean;
  /** Extra seconds after the time limit before the process is killed. */
  killGraceSeconds?: number;
}

/** Full path of an executable on PATH, or undefined. */
export function findExecutable(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The supported native binaries found on PATH, in order of preference. */
export function availableNativeBinaries(): NativeBinary[] {
  return NATIVE_BINARIES.filter((b) => findExecutable(b) !== undefined);
}

/** Runs a native LP/MILP solver binary on an MPS file. */
export class NativeSolver implements Solver {
  readonly name: string;
  readonly binary: NativeBinary;
  readonly command: string;
  private readonly options: NativeSolverOptions;

  /** Throws {@link SolverUnavailableError} when the binary is not installed. */
  constructor(options: NativeSolverOptions = {}) {
    this.options = options;
    if (options.command) {
      this.binary = options.binary ?? 'highs';
      this.command = options.command;
    } else if (options.binary) {
      const found = findExecutable(options.binary);
      if (!found) {
        const others = availableNativeBinaries();
        throw new SolverUnavailableError(
          `${options.binary} was not found on PATH (${INSTALL_HINT[options.binary]}). ` +
            (others.length ? `Available instead: ${others.join(', ')}.` : 'No other native solver is installed; the WebAssembly HiGHS solver needs none.'),
        );
      }
      this.binary = options.binary;
      this.command = found;
    } else {
      const first = availableNativeBinaries()[0];
      if (!first) {
        throw new SolverUnavailableError(
          `no native LP solver found on PATH (looked for ${NATIVE_BINARIES.join(', ')}). Install one: ${NATIVE_BINARIES.map((b) => `${b}: ${INSTALL_HINT[b]}`).join('; ')}.`,
        );
      }
      this.binary = first;
      this.command = findExecutable(first) as string;
    }
    this.name = `native-${this.binary}`;
  }

  /** Writes the model, runs the binary and parses its solution. */
  async solve(model: CompiledModel, options: SolveOptions = {}): Promise<SolveResult> {
    if (options.signal?.aborted) return resultWithoutPoint('error', 'aborted', 0, this.name);
    const dir = await mkdtemp(join(tmpdir(), 'wattshift-lp-'));
    const untrackDir = this.options.keepFiles ? () => false : trackTempPath(dir);
    const t0 = performance.now();
    try {
      const mpsPath = join(dir, 'model.mps');
      const ex = await writeMpsFile(model, mpsPath, { names: 'indexed', objectiveConstant: 'omit', asMinimize: true });
      const fileRows = ex.fileRows;
      let parsed = await this.runOnce(dir, mpsPath, model, fileRows.length, options, false);
      if (parsed.status === 'infeasible-or-unbounded' && this.binary === 'highs') {
        // as in the WebAssembly path: presolve cannot always tell the two apart, a plain solve can
        parsed = await this.runOnce(dir, mpsPath, model, fileRows.length, options, true);
      }
      return this.toResult(model, parsed, fileRows, (performance.now() - t0) / 1000);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const seconds = (performance.now() - t0) / 1000;
      if (e instanceof KilledOnTimeLimit) return resultWithoutPoint('time-limit', message, seconds, this.name);
      return resultWithoutPoint('error', options.signal?.aborted ? 'aborted' : message, seconds, this.name);
    } finally {
      if (!this.options.keepFiles) await rm(dir, { recursive: true, force: true });
      untrackDir();
    }
  }

  private async runOnce(dir: string, mpsPath: string, model: CompiledModel, fileRowCount: number, options: SolveOptions, presolveOff: boolean): Promise<NativeSolution> {
    const solPath = join(dir, 'solution.txt');
    await rm(solPath, { force: true });
    const isMip = model.integrality !== undefined;
    const args: string[] = [];
    switch (this.binary) {
      case 'highs': {
        const opts = [`solution_file = ${solPath}`, 'write_solution_to_file = true', 'write_solution_style = 0'];
        if (options.timeLimitSeconds !== undefined) opts.push(`time_limit = ${options.timeLimitSeconds}`);
        if (options.mipRelGap !== undefined) opts.push(`mip_rel_gap = ${options.mipRelGap}`);
        if (options.threads !== undefined) opts.push(`threads = ${options.threads}`);
        if (presolveOff) opts.push('presolve = off');
        const optPath = join(dir, 'highs.opt');
        await writeFile(optPath, opts.join('\n') + '\n');
        args.push('--options_file', optPath, '--model_file', mpsPath, '--solution_file', solPath);
        break;
      }
      case 'cbc':
        args.push(mpsPath);
        if (options.timeLimitSeconds !== undefined) args.push('-sec', String(options.timeLimitSeconds));
        if (options.mipRelGap !== undefined) args.push('-ratioGap', String(options.mipRelGap));
        if (options.threads !== undefined && options.threads > 1) args.push('-threads', String(options.threads));
        args.push('-solve', '-printingOptions', 'all', '-solution', solPath, '-quit');
        break;
      case 'glpsol':
        args.push('--freemps', mpsPath, '-w', solPath);
        if (options.timeLimitSeconds !== undefined) args.push('--tmlim', String(Math.max(1, Math.ceil(options.timeLimitSeconds))));
        if (options.mipRelGap !== undefined) args.push('--mipgap', String(options.mipRelGap));
        break;
    }
    const output = await this.run(args, dir, options);
    let text: string;
    try {
      text = await readFile(solPath, 'utf8');
    } catch {
      throw new Error(`${this.binary} wrote no solution file. Last output:\n${output.slice(-2000)}`);
    }
    switch (this.binary) {
      case 'highs':
        return parseHighsSolution(text, model.numColumns, fileRowCount);
      case 'cbc':
        return parseCbcSolution(text, model.numColumns, fileRowCount, isMip);
      case 'glpsol':
        return parseGlpkSolution(text, model.numColumns, fileRowCount, output);
    }
  }

  private run(args: string[], cwd: string, options: SolveOptions): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      // its own process group: on SIGINT/SIGTERM of wattshift the whole group is killed
      const child = spawn(this.command, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], ...(options.signal ? { signal: options.signal } : {}) });
      const untrack = child.pid !== undefined ? trackProcessGroup(child.pid) : () => false;
      // a cancelled run stops the solver's whole process group, not only its first process
      const killGroup = () => {
        if (child.pid !== undefined && child.exitCode === null) {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      };
      options.signal?.addEventListener('abort', killGroup, { once: true });
      child.on('exit', () => options.signal?.removeEventListener('abort', killGroup));
      let output = '';
      const keep = (b: Buffer): void => {
        // the log of a big solve can be long; the tail is what explains a failure
        output = (output + b.toString('utf8')).slice(-20_000);
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      let timer: NodeJS.Timeout | undefined;
      let killedOnTime = false;
      if (options.timeLimitSeconds !== undefined) {
        const grace = this.options.killGraceSeconds ?? 30;
        timer = setTimeout(() => {
          killedOnTime = true;
          child.kill('SIGKILL');
        }, (options.timeLimitSeconds + grace) * 1000);
      }
      child.on('error', (e) => {
        untrack();
        if (timer) clearTimeout(timer);
        reject(e.name === 'AbortError' ? new Error('aborted') : new Error(`could not run ${this.command}: ${e.message}`));
      });
      child.on('exit', (_code, sig) => {
        untrack();
        if (!sig) return;
        // settle at once: a process that was killed may leave children holding the pipes open,
        // and 'close' would wait for them
        if (timer) clearTimeout(timer);
        child.stdout.destroy();
        child.stderr.destroy();
        if (killedOnTime) reject(new KilledOnTimeLimit(`${this.binary} ignored its time limit and was killed after the grace period`));
        else reject(new Error(options.signal?.aborted ? 'aborted' : `${this.binary} was stopped by ${sig}`));
      });
      child.on('close', (code, sig) => {
        if (timer) clearTimeout(timer);
        // solvers exit non-zero on some outcomes (glpsol on a bad file, highs on errors); the
        // solution file, not the exit code, says what happened
        if (!sig) resolve(output + (code ? `\n[exit code ${code}]` : ''));
      });
    });
  }

  private toResult(model: CompiledModel, parsed: NativeSolution, fileRows: Int32Array, seconds: number): SolveResult {
    const status = parsed.status === 'infeasible-or-unbounded' ? 'infeasible' : parsed.status;
    const result: SolveResult = { status, objective: Number.NaN, columnValues: new Float64Array(0), solveSeconds: seconds, solver: this.name };
    if (parsed.status === 'infeasible-or-unbounded') result.message = `${this.binary} could not tell whether the model is infeasible or unbounded`;
    else if (status !== 'optimal') result.message = `${this.binary}: ${parsed.rawStatus}`;
    if (parsed.columnValues && (status === 'optimal' || status === 'time-limit')) {
      result.columnValues = parsed.columnValues;
      result.objective = objectiveValue(model, parsed.columnValues);
    }
    if (parsed.rowDuals && status === 'optimal' && model.integrality === undefined) {
      // the file minimises −objective for a maximisation, which flips the sign of every dual
      const sign = model.sense === 'maximize' ? -1 : 1;
      const y = new Float64Array(model.numRows);
      for (let k = 0; k < fileRows.length; k++) y[fileRows[k] as number] = sign * (parsed.rowDuals[k] as number);
      result.rowDuals = y;
    }
    return result;
  }
}
