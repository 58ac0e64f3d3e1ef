/**
 * Loads the HiGHS WebAssembly runtime. The `highs` package ships an ES module whose default export
 * is the loader, but its type declarations describe a CommonJS module, so TypeScript sees the
 * default import as the module object; this accepts both shapes.
 *
 * @module
 */
import highsModule, { type Highs } from 'highs';

type Loader = typeof highsModule.default;

const loader: Loader = typeof highsModule === 'function' ? (highsModule as Loader) : highsModule.default;

/** Loads and instantiates a fresh HiGHS runtime (its own 2 GiB WebAssembly heap). */
export function loadHighsRuntime(): Promise<Highs> {
  return loader();
}
