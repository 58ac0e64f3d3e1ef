/**
 * Writes spec/openadr3/3.1.0/openadr3.patched.yaml: the published OpenADR 3.1.0 document with the
 * patches of src/openadr/spec.ts applied (`npm run spec:patch`). A test keeps the file current.
 */
import { writeFileSync } from 'node:fs';
import { PATCHED_SPEC_FILE, patchedSpecText } from '../src/openadr/spec.ts';

writeFileSync(PATCHED_SPEC_FILE, patchedSpecText());
console.log(`wrote ${PATCHED_SPEC_FILE}`);
