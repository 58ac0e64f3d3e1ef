/**
 * Grid programs as a library: baselines, events (schedule files, OpenADR 3.1, generation),
 * programs and delivery rules, the flexibility envelope, the aggregator's merit order, the
 * event response and the settlement. Every function takes plain values (FleetModel, Dispatch,
 * Ledger) and returns plain values.
 */
export { BASELINES, BASELINE_METHODS, baselineOptions, DEFAULT_LOOKBACK_DAYS } from './baselines/index.ts';
export { meterSeries, intervalAt, stepsPerInterval } from './meter.ts';
export { parseEventText, readEventFile, parseEventSpec, isEventSpec, generateEvents, checkEvents, programEvents, eventsFromSpecs, localTime, type EventContext } from './events.ts';
export { openAdrToEvent, siteDispatchEvent, parseIsoDuration, SUPPORTED_PAYLOADS } from './openadr/event.ts';
export { validateOpenAdr } from './openadr/validate.ts';
export { resolveProgram, scenarioPrograms, siteCapacityKW, applyBand, horizonMonths, DEFAULT_PROGRAM } from './program.ts';
export { flexContext, siteSegments, type FlexContext, type Segment } from './levers.ts';
export { flexibilityEnvelope, envelopeCell, type Envelope, type EnvelopeCell } from './envelope.ts';
export { meritOrder, bySite, bidFromEnvelope, type Bid, type Fill } from './aggregator.ts';
export { startResponse, eventSegments, realiseEvent, finishResponse, cloneDispatch } from './response.ts';
export { settleEvent, settleCapacity, settlementTotals, type EventSettlement, type SettlementTotals } from './settlement.ts';
export { replayEvents, responseChecks, type ReplayResult, type ReplayOptions } from './replay.ts';
export { drJson, settlementLinesCsv, settlementIntervalsCsv, envelopeCsv, envelopeJson, isoLocal, type BillChange } from './report.ts';
export { settlementSection, envelopeSection } from './report-sections.ts';
export type { GridEvent, ResolvedProgram, MeterSeries, BaselineResult, BaselineOptions, Direction } from './types.ts';
