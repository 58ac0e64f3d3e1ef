/**
 * Every schema migration, in order. To change the schema, add a file `NNNN-name.ts` exporting a
 * Migration with the next version and list it here; never edit one that has shipped.
 */
import { init } from './0001-init.ts';
import { openadr } from './0002-openadr.ts';
import { queueResults } from './0003-queue-results.ts';
import type { Migration } from './types.ts';

export type { Migration } from './types.ts';

/** The migrations this version of wattshift knows, by ascending version. */
export const MIGRATIONS: readonly Migration[] = [init, openadr, queueResults];
