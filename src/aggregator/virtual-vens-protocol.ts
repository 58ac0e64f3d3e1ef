/**
 * Messages between the demo's main thread and a worker thread hosting a slice of the virtual
 * VENs (virtual-vens-threads.ts, virtual-vens-worker.ts). Plain data only: they are
 * structured-cloned.
 */
import type { SiteSetpoints } from '../respond/setpoints.ts';
import type { ScenarioInput } from '../app/scenario-input.ts';
import type { Dispatch } from '../simulate/dispatch.ts';
import type { Ledger } from '../simulate/ledger.ts';
import type { SiteMeter, VirtualAnswer, VirtualVenCredentials, VirtualVenLink } from './virtual-vens.ts';

/** What a thread needs to run its VENs: the scenario is loaded again there (a model holds functions). */
export interface VenThreadInit {
  scenario: Extract<ScenarioInput, { file: string } | { text: string }>;
  base: Dispatch;
  baseLedger: Ledger;
  vens: VirtualVenCredentials[];
  link: VirtualVenLink;
  /** Have V8 optimise WebAssembly when compiled (wasm-tiering.ts), before the thread's HiGHS loads. */
  optimiseWasm: boolean;
}

/** Main thread → worker: a command, answered by a `done` with the same id. */
export type VenThreadCommand = { id: number } & (
  | { type: 'start'; init: VenThreadInit }
  | { type: 'restart'; sites: number[] }
  | { type: 'measure'; meters: SiteMeter[]; intervalMinutes: number }
  | { type: 'stop' }
);

/** Worker → main thread, sent in batches ({@link VenThreadMessage}[]). */
export type VenThreadMessage =
  | { type: 'done'; id: number; mode?: string; error?: string }
  | { type: 'answer'; answer: VirtualAnswer }
  | { type: 'publish'; setpoints: SiteSetpoints }
  | { type: 'error'; message: string };
