/**
 * Explains an infeasible window: an elastic re-solve finds the least-cost way to break limits, and
 * the error names what must give way, where and by how much (supply shortfalls merged into runs
 * of steps per site), never a bare "infeasible".
 */
import { InputError } from '../errors/index.ts';
import type { FleetModel } from '../model/fleet-model.ts';
import { explainInfeasibility, type CompiledModel, type Solver } from '../optimize/index.ts';
import { stepHours } from '../time/grid.ts';
import type { FleetLpLayout } from './fleet-lp.ts';

/** Energy in kWh, MWh or GWh. */
export function energy(kWh: number): string {
  return kWh >= 1e6 ? `${(kWh / 1e6).toFixed(2)} GWh` : kWh >= 1e3 ? `${(kWh / 1e3).toFixed(1)} MWh` : `${kWh.toFixed(1)} kWh`;
}

/** Throws PLAN_INFEASIBLE with the limits an elastic re-solve of `compiled` had to break. */
export async function explainInfeasibleWindow(compiled: CompiledModel, layout: FleetLpLayout, solver: Solver, model: FleetModel): Promise<never> {
  const report = await explainInfeasibility(compiled, layout.softRows, solver, { timeLimitSeconds: 120 });
  const h = stepHours(model.grid);
  const lines: string[] = [];
  const heads: string[] = [];
  // supply shortfalls: merge consecutive steps of a site into windows
  const supply = report.violations.filter((v) => v.group === 'power supply').map((v) => {
    const [s, t] = v.label.split('@').map(Number) as [number, number];
    return { s, t, kWh: v.amount };
  });
  for (const site of model.sites) {
    const steps = supply.filter((x) => x.s === site.index).sort((a, b) => a.t - b.t);
    if (steps.length === 0) continue;
    const total = steps.reduce((a, x) => a + x.kWh, 0);
    heads.push(`site ${site.id} needs ${energy(total)} more than its grid connection and local supply can deliver`);
    let i = 0;
    while (i < steps.length) {
      let j = i;
      while (j + 1 < steps.length && steps[j + 1]!.t === steps[j]!.t + 1 && site.importLimitKW[steps[j + 1]!.t] === site.importLimitKW[steps[i]!.t]) j++;
      const run = steps.slice(i, j + 1);
      const kWh = run.reduce((a, x) => a + x.kWh, 0);
      const limitKW = site.importLimitKW[run[0]!.t]!;
      const cal = site.calendar;
      const stamp = (t: number) => `${cal.dayKeys[cal.dayIndex[t]!]} ${String(cal.hour[t]).padStart(2, '0')}:${String(cal.minute[t]).padStart(2, '0')}`;
      const endT = run[run.length - 1]!.t + 1;
      const endStamp = endT < model.grid.steps ? stamp(endT).slice(-5) : 'end';
      lines.push(
        `site ${site.id}, ${stamp(run[0]!.t)}–${endStamp} (${site.timeZone}): import limit ${(limitKW / 1000).toFixed(2)} MW, but the least-cost plan that breaks only this limit draws ${((limitKW + kWh / (run.length * h)) / 1000).toFixed(2)} MW (idle GPUs, must-run work, cooling): short by ${energy(kWh)}`,
      );
      i = j + 1;
    }
  }
  for (const v of report.violations.filter((x) => x.group !== 'power supply').slice(0, 10)) {
    lines.push(`${v.label}: short by ${v.unit === 'kWh' ? energy(v.amount) : `${v.amount.toLocaleString('en-US', { maximumFractionDigits: 1 })} ${v.unit}`}`);
    heads.push(`${v.label} cannot be met`);
  }
  throw new InputError(
    'PLAN_INFEASIBLE',
    `no plan satisfies every limit of ${model.name}${heads.length ? `: ${heads.slice(0, 3).join('; ')}` : ` (${noViolation(report.status, report.result.message)})`}`,
    {},
    lines.slice(0, 20),
  );
}


/** Why the elastic re-solve named no limit: it found none broken (the first solve was wrong), or it did not finish. */
function noViolation(status: string, message: string | undefined): string {
  if (status === 'optimal' || status === 'time-limit') return 'a re-solve with every limit soft breaks none: the solver reported a feasible model infeasible; solve again, or choose another --lp-method';
  if (status === 'infeasible') return 'even with every soft limit relaxed no plan exists: the conflict lies in hard limits (caps that contradict each other, or a floor above a cap)';
  return `the elastic re-solve ended ${status}${message ? ` (${message})` : ''}, so no single limit to relax was found; check conflicting caps`;
}
