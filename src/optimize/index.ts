/**
 * Optimisation infrastructure: a typed model builder, the solver seam with HiGHS (WebAssembly, in
 * a worker) and native binaries, LP/MPS export, and infeasibility explanation.
 *
 * @module
 */
export * from './model-builder.ts';
export * from './solver.ts';
export * from './solution-check.ts';
export { HighsWasmSolver, DEFAULT_WASM_BUDGET, type HighsWasmSolverOptions } from './highs-wasm-solver.ts';
export * from './native-solver.ts';
export { WasmWithNativeFallback, type FallbackEvent, type NativeFallbackOptions } from './native-fallback.ts';
export { exportLp, lpToString, writeLpFile, type ExportOptions, type ModelExport } from './export-lp.ts';
export { exportMps, mpsToString, writeMpsFile, type MpsExport } from './export-mps.ts';
export { buildExportNames, isSafeName, CONSTANT_COLUMN_NAME, OBJECTIVE_NAME, type ExportNames, type NameMode } from './export-names.ts';
export * from './elastic.ts';
export { appendCompiled, type AppendOptions, type BlockPlacement } from './compose.ts';
export { stackModels, stackBases, splitResult, type StackedModel } from './stack.ts';
export { defaultSolverFactory, SOLVER_NAMES, type SolverFactory } from './solver-factory.ts';
export { solveOutcomeError, type OutcomeContext } from './solve-outcome.ts';
