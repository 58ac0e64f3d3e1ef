/**
 * wattshift as a library: the package's one entry point (`import … from 'wattshift'`).
 *
 * - Use cases (one per command): runSimulate, runPlan, runPlanEvent, runCompare, runFlex, runDr,
 *   runFinance, runSweep, runValidate. Each takes `(input, deps)`: the scenario and the
 *   command's options as a plain object, and `{ solverFactory, progress?, signal? }`; each
 *   returns `{ json, text, files(), …typed results }`. See docs/library.md.
 * - Stages, for composing your own flow: loadScenario → buildModel → plan → simulate →
 *   summarise, and valueInvestment.
 * - Errors: InputError (bad input; has `code` and `location`), SolverError, CancelledError, the
 *   ERROR_CODES registry (docs/errors.md).
 * - The scenario schema (zod) and its JSON Schema.
 * - The solver seam: Solver, SolverFactory, defaultSolverFactory and the built-in backends.
 *
 * @module
 */
export * from './app/index.ts';

// stages
export { loadScenario, loadScenarioText, buildModel, plan, simulate, summarise, run } from './pipeline.ts';
export { valueInvestment, type FinanceResult, type LineResult, type ValueOptions } from './finance/value.ts';
export type { PlanOptions } from './plan/planner.ts';
export type { FleetModel, SiteModel, WorkloadModel } from './model/fleet-model.ts';
export type { ResolvedScenario } from './scenario/resolve.ts';
export type { ScenarioSource } from './scenario/source.ts';
export type { Dispatch, SolverStats } from './simulate/dispatch.ts';
export type { Ledger, SiteLedger } from './simulate/ledger.ts';
export type { Progress } from './simulate/engine.ts';
export type { Summary, Kpis, SiteSummary } from './metrics/summary.ts';
export type { ComparisonRow } from './metrics/comparison.ts';
export type { SiteBill, BillLine } from './billing/bill.ts';
export type { Envelope } from './programs/envelope.ts';
export type { ReplayResult } from './programs/replay.ts';
export type { GridEvent, ResolvedProgram } from './programs/types.ts';
export type { EventReplay } from './plan/event-replay.ts';
export type { SweepResult, SweepPointResult } from './finance/sweep.ts';
export type { GridProgramRevenue } from './finance/grid-revenue.ts';

// errors
export { INPUT_ERROR_CODES, isInputError, throwIfCancelled, type NonInputErrorCode } from './errors/index.ts';

// scenario schema
export { Scenario, scenarioJsonSchema } from './scenario/schema/index.ts';

// the solver seam
export { HighsWasmSolver, NativeSolver, solveOutcomeError, type Solver, type SolveOptions, type SolveResult, type SolveStatus, type CompiledModel } from './optimize/index.ts';
