/**
 * The finance stage: scenario → … → simulate → summarise → finance → report. Values a simulated
 * (or planned) year as an investment: capex, opex, contracts with take-or-pay, tax,
 * depreciation, NPV, IRR, paybacks per AI production line, break-evens, a tornado, and design
 * sweeps run in worker threads. See docs/finance.md.
 */
export { valueInvestment, valueFromInput, valuationInput, type FinanceResult, type LineResult, type ValueOptions } from './value.ts';
export { npv, irr, signChanges, type IrrResult } from './npv-irr.ts';
export { paybackPeriods, discountedPaybackPeriods } from './payback.ts';
export { depreciationSchedule } from './depreciation.ts';
export { takeOrPay, contractActive, contractPrice, type TakeOrPayMonth } from './contracts.ts';
export { project, NEUTRAL_LEVERS, type Levers, type YearRow, type Projection, type ValuationInput } from './cashflows.ts';
export { breakEven, type BreakEven, type BreakEvenLever } from './breakeven.ts';
export { tornado, type TornadoBar } from './sensitivity.ts';
export { resolveDefaults, USD_UNIT_COSTS, DEFAULT_LIVES, DEFAULT_WUE, CNY_PER_USD } from './defaults.ts';
export { operatingYear, type OperatingYear } from './operating-year.ts';
export { parseSweepSpec, sweepPoints, type SweepSpec, type SweepDimension } from './sweep-spec.ts';
export { sweepDesigns, prepareSweep, type SweepResult, type SweepPointResult, type SweepOptions } from './sweep.ts';
export { PointEvaluator, sweepScenarioFromFile, type SweepScenario, type PointMetrics } from './sweep-point.ts';
export { financeSection } from './report-section.ts';
export { lineVerdict } from './verdict.ts';
export { cashflowsCsv, sweepCsv } from './csv.ts';
export { gridProgramRevenue, type GridProgramRevenue } from './grid-revenue.ts';
