/** DR events and statements of the dr runs. */
import type { PageContext } from '../page.ts';
import { drView } from '../views/dr.ts';
import { commandRunsPage } from './command-runs.ts';

/** The DR page. */
export function drPage(ctx: PageContext): Promise<void> {
  return commandRunsPage(ctx, {
    command: 'dr',
    path: '/dr',
    title: 'Demand-response events and statements',
    empty: 'No dr run has succeeded yet: replay a grid event (the scenario\'s own program, or START/DURATION) with the dr command.',
    view: drView,
  });
}
