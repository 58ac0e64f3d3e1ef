/**
 * Loads the HiGHS WebAssembly runtime. The `highs` package ships an ES module whose default export
 * is the loader, but its type declarations describe a CommonJS module, so TypeScript sees the
 * default import as the module object; this accepts both shapes.
 *
 * @module
 */
import highsModule, { type Highs } from 'highs';
import type { HighsCode } from './highs-code.ts';

type Loader = typeof highsModule.default;

const loader: Loader = typeof highsModule === 'function' ? (highsModule as Loader) : highsModule.default;

/**
 * Loads and instantiates a fresh HiGHS runtime (its own 2 GiB WebAssembly heap), from `code`
 * when given: the binary is then not compiled again.
 */
export function loadHighsRuntime(code?: HighsCode): Promise<Highs> {
  return code ? loader({ wasmModule: code }) : loader();
}
