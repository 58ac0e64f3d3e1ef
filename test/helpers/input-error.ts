/** Test helper: runs `fn` and returns the InputError it throws (any other outcome fails the test). */
import { InputError } from '../../src/errors/index.ts';

export function thrown(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}
