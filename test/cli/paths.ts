/** Where the repository and its compiled command are, for tests and benchmarks that start `wattshift` (without loading the CLI itself). */
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/wattshift.mjs', import.meta.url));
