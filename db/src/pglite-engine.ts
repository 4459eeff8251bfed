import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// Node has WebAssembly; its types come with the DOM's library, which server code does not load.
declare namespace WebAssembly {
  type Module = object;
  function compile(bytes: Uint8Array): Promise<Module>;
}

type PgliteEngine = {
  PGlite: typeof import('@electric-sql/pglite').PGlite;
  drizzlePglite: typeof import('drizzle-orm/pglite').drizzle;
  wasmModule: WebAssembly.Module;
};

let engine: Promise<PgliteEngine> | undefined;

/**
 * PGlite's code, and its WebAssembly compiled, once a process. Most of the compiling runs on V8's
 * background threads: a process that will open the embedded database starts it first thing (this
 * module imports only Node's own), so that it overlaps the process's own start-up instead of
 * following it.
 */
export function preparePglite(): Promise<PgliteEngine> {
  engine ??= (async () => {
    // Read at once (9 MB, some 30 ms): read in chunks, it would wait for each chunk behind the
    // module loading it is meant to overlap.
    const wasm = readFileSync(
      // Found at run time, beside PGlite: the web app's bundler leaves it where it is.
      createRequire(import.meta.url).resolve(
        /* turbopackIgnore: true */ '@electric-sql/pglite/pglite.wasm',
      ),
    );
    const [wasmModule, { PGlite }, { drizzle: drizzlePglite }] = await Promise.all([
      WebAssembly.compile(wasm),
      import('@electric-sql/pglite'),
      import('drizzle-orm/pglite'),
    ]);
    return { PGlite, drizzlePglite, wasmModule };
  })();
  // A failure is not kept: the next open tries again, and reports its own error.
  engine.catch(() => {
    engine = undefined;
  });
  return engine;
}
