/**
 * Vitest global setup: builds the report page's chart script before any test renders a
 * report, so tests always inline the script of the code under test.
 */
import { buildReportClient } from '../scripts/build-report-client.ts';

/** Runs once before the test files. */
export default async function setup(): Promise<void> {
  await buildReportClient();
}
