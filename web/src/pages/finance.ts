/** The investment cases of the finance runs. */
import type { PageContext } from '../page.ts';
import { financeView } from '../views/finance.ts';
import { commandRunsPage } from './command-runs.ts';

/** The finance page. */
export function financePage(ctx: PageContext): Promise<void> {
  return commandRunsPage(ctx, {
    command: 'finance',
    path: '/finance',
    title: 'Finance: investment cases',
    empty: 'No finance run has succeeded yet: the finance command values a scenario\'s investment (cash flows, NPV, IRR, payback per production line).',
    view: financeView,
  });
}
