/**
 * Where a VEN sends its site's setpoints: one interface, several transports (file, HTTP
 * webhook, MQTT) and two dry-run command printers (NVIDIA power limits, Slurm or Kubernetes).
 */
import type { SiteSetpoints } from '../../../respond/setpoints.ts';

/** Receives each event's setpoints; `publish` resolves once they are handed over. */
export interface SetpointAdapter {
  readonly name: string;
  publish(setpoints: SiteSetpoints): Promise<void>;
  close?(): Promise<void>;
}

/** Something that takes printed lines (stdout by default). */
export type LineWriter = (line: string) => void;

/** Local wall-clock label of a setpoint step, UTC (HH:MM). */
export function stepLabel(sp: SiteSetpoints, i: number): string {
  return new Date(sp.startMs + i * sp.stepMinutes * 60_000).toISOString().slice(0, 16).replace('T', ' ') + 'Z';
}
