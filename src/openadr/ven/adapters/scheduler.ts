/**
 * Dry-run scheduler adapter: prints what Slurm (`scontrol suspend|resume|update`) or Kubernetes
 * (`kubectl scale`) would be told so each job runs the GPUs its setpoint says: fewer GPUs than
 * the base plan pause or shrink the job, none suspend it, more run deferred work.
 */
import type { SiteSetpoints } from '../../../respond/setpoints.ts';
import { stepLabel, type LineWriter, type SetpointAdapter } from './types.ts';

/** Which scheduler's commands to print. */
export type SchedulerKind = 'slurm' | 'kubernetes';

/** The commands, one per job and change of GPU count. */
export function schedulerCommands(sp: SiteSetpoints, kind: SchedulerKind, gpusPerNode = 8): string[] {
  const out: string[] = [];
  for (const j of sp.jobs) {
    let last = Number.NaN;
    for (let i = 0; i < sp.length; i++) {
      const g = Math.round(j.gpus[i]! * 1000) / 1000;
      if (g === last) continue;
      const was = last;
      last = g;
      if (Number.isNaN(was) && Math.abs(g - j.baseGpus[i]!) < 1e-6) continue;
      const at = `# ${stepLabel(sp, i)} ${j.workload}: ${g} GPUs (plan ${j.baseGpus[i]})`;
      if (kind === 'kubernetes') {
        out.push(`${at}\nkubectl scale job/${j.workload} --replicas=${Math.ceil(g / gpusPerNode)}`);
      } else if (g <= 1e-6) {
        out.push(`${at}\nscontrol suspend ${j.workload}`);
      } else {
        if (was === 0) out.push(`${at}\nscontrol resume ${j.workload}`);
        out.push(`${at}\nscontrol update JobName=${j.workload} NumNodes=${Math.ceil(g / gpusPerNode)}`);
      }
    }
  }
  return out;
}

/** Prints {@link schedulerCommands} instead of running them. */
export class SchedulerDryRunAdapter implements SetpointAdapter {
  readonly name: string;
  constructor(private readonly kind: SchedulerKind, private readonly write: LineWriter = (l) => process.stdout.write(`${l}\n`), private readonly gpusPerNode = 8) {
    this.name = `${kind}-dry-run`;
  }

  publish(sp: SiteSetpoints): Promise<void> {
    for (const c of schedulerCommands(sp, this.kind, this.gpusPerNode)) this.write(c);
    return Promise.resolve();
  }
}
