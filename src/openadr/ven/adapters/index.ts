/** Setpoint adapters and the `--adapter` grammar of `wattshift ven`. */
import { InputError } from '../../../errors/index.ts';
import { FileAdapter } from './file.ts';
import { HttpAdapter } from './http.ts';
import { MqttAdapter } from './mqtt.ts';
import { NvidiaDryRunAdapter } from './nvidia.ts';
import { SchedulerDryRunAdapter } from './scheduler.ts';
import type { LineWriter, SetpointAdapter } from './types.ts';

export type { LineWriter, SetpointAdapter } from './types.ts';
export { FileAdapter, HttpAdapter, MqttAdapter, NvidiaDryRunAdapter, SchedulerDryRunAdapter };
export { MemoryAdapter } from './memory.ts';
export { nvidiaCommands } from './nvidia.ts';
export { schedulerCommands } from './scheduler.ts';

/** Adapter specs: file:DIR, http(s)://URL, mqtt://HOST:PORT, nvidia, slurm, kubernetes. */
export const ADAPTER_SPECS = ['file:DIR', 'http://URL', 'mqtt://HOST:PORT', 'nvidia', 'slurm', 'kubernetes'] as const;

/** Builds an adapter from its spec; `write` takes the dry-run adapters' lines. */
export function adapterFromSpec(spec: string, write?: LineWriter): SetpointAdapter {
  if (spec.startsWith('file:')) return new FileAdapter(spec.slice(5));
  if (/^https?:\/\//.test(spec)) return new HttpAdapter(spec);
  if (/^mqtts?:\/\//.test(spec)) return new MqttAdapter(spec);
  if (spec === 'nvidia') return new NvidiaDryRunAdapter(write);
  if (spec === 'slurm' || spec === 'kubernetes') return new SchedulerDryRunAdapter(spec, write);
  throw new InputError('OPTION_INVALID', `unknown adapter "${spec}"; use ${ADAPTER_SPECS.join(', ')}`, { path: '--adapter' });
}
