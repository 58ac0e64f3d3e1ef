/**
 * Dry-run GPU adapter: prints the per-node NVIDIA power-limit commands a setpoint means
 * (`nvidia-smi -i <gpus> -pl <W>`, the limit a DCGM power-capping policy would set too). Jobs
 * are mapped to nodes of `gpusPerNode` GPUs in workload order, so a job's caps land on its own
 * nodes; a cap applies from its step until the next.
 */
import type { SiteSetpoints } from '../../../respond/setpoints.ts';
import { stepLabel, type LineWriter, type SetpointAdapter } from './types.ts';

/** The commands, one per node and change of limit. */
export function nvidiaCommands(sp: SiteSetpoints, gpusPerNode = 8): string[] {
  const out: string[] = [];
  let node = 0;
  for (const j of sp.jobs) {
    const nodes = Math.max(1, Math.ceil(Math.max(...j.baseGpus, ...j.gpus, 0) / gpusPerNode));
    let last = Number.NaN;
    for (let i = 0; i < sp.length; i++) {
      const w = Math.round(j.gpuPowerW[i]!);
      if (w === last || !(w > 0)) continue;
      last = w;
      for (let n = 0; n < nodes; n++) out.push(`# ${stepLabel(sp, i)} ${j.workload}\nssh ${sp.site}-node${String(node + n).padStart(4, '0')} nvidia-smi -i ${Array.from({ length: gpusPerNode }, (_, g) => g).join(',')} -pl ${w}`);
    }
    node += nodes;
  }
  return out;
}

/** Prints {@link nvidiaCommands} instead of running them. */
export class NvidiaDryRunAdapter implements SetpointAdapter {
  readonly name = 'nvidia-dry-run';
  constructor(private readonly write: LineWriter = (l) => process.stdout.write(`${l}\n`), private readonly gpusPerNode = 8) {}

  publish(sp: SiteSetpoints): Promise<void> {
    for (const c of nvidiaCommands(sp, this.gpusPerNode)) this.write(c);
    return Promise.resolve();
  }
}
