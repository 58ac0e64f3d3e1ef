/**
 * A finance valuation in a queue worker's thread: the `finance` use case without a sweep on a
 * scenario fetched from the store, returning its JSON document. In a thread, so a year's
 * simulation never blocks the worker's lock renewals.
 */
import { runFinance, type FinanceJson } from '../app/finance.ts';
import { InputError } from '../errors/index.ts';
import { defaultSolverFactory } from '../optimize/solver-factory.ts';

/** A valuation to run: the scenario's text, the folder its files are in, and the options. */
export interface ValuationThreadJob {
  text: string;
  baseDir: string;
  /** The scenario's name as the user gave it (for messages). */
  name: string;
  policy: string;
  dr: boolean;
}

/** The document, or bad input as its code and located message (an error's class does not cross threads). */
export type ValuationThreadResult = { json: FinanceJson } | { inputError: { code: string; message: string } };

/** Runs one valuation (the thread pool's job function). */
export default async function valueScenario(job: ValuationThreadJob): Promise<ValuationThreadResult> {
  try {
    const out = await runFinance({ scenario: { text: job.text, baseDir: job.baseDir, name: job.name }, policy: job.policy, dr: job.dr }, { solverFactory: defaultSolverFactory });
    return { json: out.json };
  } catch (e) {
    if (e instanceof InputError) return { inputError: { code: e.code, message: e.format() } };
    throw e;
  }
}
