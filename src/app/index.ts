/**
 * The use cases: one async function per command, each taking its input (the scenario and the
 * command's options as a plain object) and its dependencies (a solver factory, progress,
 * cancellation), and returning values: the JSON document, the text summary, the output files
 * and the typed domain results. The CLI, the HTTP server and the VEN are thin adapters over
 * these.
 *
 * @module
 */
export type { Numeric, OutputFile, ProgressReporter, UseCaseDeps, UseCaseOutput } from './types.ts';
export { loadScenarioInput, type LoadedScenario, type ScenarioInput } from './scenario-input.ts';
export { optionFlag, planOptionsFrom, PLANNING_DEFAULTS, policyNames, type PlanningOptions } from './options.ts';
export { fileText, MEDIA_TYPES } from './files.ts';
export type { PolicyRun } from './run-policy.ts';
export { runSimulate, type SimulateInput, type SimulateOptions, type SimulateOutput } from './simulate.ts';
export { runPlan, exportPlanModel, PLAN_POLICIES, type PlanInput, type PlanUseCaseOptions, type PlanOutput, type ExportModelInput } from './plan.ts';
export { runPlanEvent, parseEventWindow, type PlanEventInput, type PlanEventOptions, type PlanEventOutput, type PlanEventJson } from './plan-event.ts';
export { DEFAULT_POWER_MEASURE, POWER_MEASURES, POWER_MEASURE_WORDS, type PowerMeasure } from '../simulate/measure.ts';
export { EVENT_SPEC_GRAMMAR } from '../programs/events.ts';
export { runCompare, comparePolicyList, DEFAULT_COMPARE_POLICIES, type CompareInput, type CompareOptions, type CompareOutput, type CompareJson } from './compare.ts';
export { runFlex, parseDurations, type FlexInput, type FlexOptions, type FlexOutput } from './flex.ts';
export { runDr, type DrInput, type DrOptions, type DrOutput, type DrEventInput } from './dr.ts';
export { runFinance, financeText, type FinanceInput, type FinanceOptions, type FinanceOutput, type FinanceJson } from './finance.ts';
export { runSweep, type SweepInput, type SweepUseCaseOptions, type SweepOutput } from './sweep.ts';
export { runBid, type BidInput, type BidOptions, type BidOutput } from './bid.ts';
export { runMarketBacktest, type BacktestInput, type BacktestOptions, type BacktestOutput } from './backtest.ts';
export { defaultSolverFactory, SOLVER_NAMES, type SolverFactory } from '../optimize/solver-factory.ts';
export { writeOutputs } from '../report/write-outputs.ts';
export { BASELINE_METHODS } from '../programs/baselines/index.ts';
export { runTariffImport, importUrdbFile, type TariffImportInput, type TariffImportOutput, type TariffImportJson } from './tariff-import.ts';
export { runValidate, scenarioSchemaDocument, summarySchemaDocument, validateErrorJson, type ValidateInput, type ValidateOutput, type ValidateJson, type ValidateErrorJson, type ValidateProblem } from './validate.ts';
export { CancelledError, ERROR_CODES, InputError, SolverError, WattshiftError, formatLocation, type ErrorCode, type InputErrorCode, type InputLocation } from '../errors/index.ts';
export { respondEvent, type SiteEventResponse } from '../respond/respond-event.ts';
export type { SiteState, SiteCall } from '../respond/site-call.ts';
export { siteOnlyDispatch } from '../respond/site-view.ts';
export type { SiteSetpoints } from '../respond/setpoints.ts';
export { runDemoVpp, MAX_DEMO_SITES, type DemoVppOptions, type DemoVppJson, type DemoVppOutput } from './demo-vpp.ts';
export { startVen, type VenInput } from './ven.ts';
