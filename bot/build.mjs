// Compiles the bot's entry points (the server, the workers, the terminal, the migrator) to plain
// JavaScript under bot/dist, so that `npm start` and `npm run sip` run compiled code rather than
// compiling TypeScript at every start. Our own workspaces (@sipops/*) are bundled in, with the
// few pure-JavaScript packages every command loads (BUNDLED_PACKAGES); other packages from
// node_modules stay imports. Code that only some verbs need is split into chunks loaded on
// demand.
//
// Each build goes to a folder of its own, named after the newest source time it was made from,
// and `bot/dist/current` names the folder to run (replaced atomically): two commands building at
// once, or one building while another runs, never see a half-written build. `ensureBuilt()`
// rebuilds only when a source file is newer than the current build.
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'bot/dist');
const CURRENT = join(DIST, 'current');
const SOURCES = ['bot/src', 'shared/src', 'db/src', 'patches'].map((dir) => join(ROOT, dir));
/** Builds other than the current one are removed once this old (a running process may use one). */
const KEEP_OLD_BUILDS_MS = 60 * 60 * 1000;

export const ENTRY_POINTS = {
  start: 'bot/src/process/start.ts',
  'start-workers': 'bot/src/process/start-workers.ts',
  sip: 'bot/src/terminal/main.ts',
  'migrate-database': 'bot/src/process/migrate-database.ts',
};
/**
 * Packages bundled into the build like our workspaces: pure JavaScript that nearly every command
 * loads, spread over hundreds of files that Node would otherwise resolve, read and compile one by
 * one at every start (a `show` alone on Postgres, alternating builds: 650 -> 450 ms). The others
 * stay imports from node_modules: frameworks only some parts load (Next, Bolt, Twilio), PGlite
 * (it finds its WebAssembly beside itself) and postgres (patched at install).
 */
const BUNDLED_PACKAGES = /^(zod|drizzle-orm|libphonenumber-js|ipaddr\.js|csv-parse)(\/|$)/;
/** The bundled packages change with the lockfile: it counts as a source. */
const SOURCE_FILES = [join(ROOT, 'package-lock.json')];

/** Not run by run.mjs: started on threads by process/row-workers.ts, which finds it beside it. */
const THREAD_ENTRY_POINTS = { 'row-worker': 'bot/src/process/row-worker.ts' };

/** The newest modification time of a source file (tests excluded), in whole milliseconds. */
function newestSource() {
  let newest = 0;
  const visit = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (!entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of SOURCES) visit(dir);
  for (const file of SOURCE_FILES) {
    try {
      newest = Math.max(newest, statSync(file).mtimeMs);
    } catch {}
  }
  return Math.ceil(newest);
}

/** The folder of the current build, or undefined when there is none. */
function currentBuild() {
  try {
    const name = readFileSync(CURRENT, 'utf8').trim();
    return name ? { name, builtFrom: Number(name.split('-')[1]) } : undefined;
  } catch {
    return undefined;
  }
}

/** Builds the sources into a new folder and makes it the current build. */
export async function build() {
  const newest = newestSource();
  const name = `build-${newest}-${process.pid}`;
  const { build: esbuild } = await import('esbuild');
  await esbuild({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(
      Object.entries({ ...ENTRY_POINTS, ...THREAD_ENTRY_POINTS }).map(([entry, path]) => [
        entry,
        join(ROOT, path),
      ]),
    ),
    outdir: join(DIST, name),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.9',
    sourcemap: 'linked',
    logLevel: 'warning',
    // Our workspaces (TypeScript) and BUNDLED_PACKAGES are bundled; other packages stay imports.
    plugins: [
      {
        name: 'node-modules-external',
        setup(builder) {
          builder.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@sipops/') || BUNDLED_PACKAGES.test(args.path)
              ? undefined
              : { path: args.path, external: true },
          );
        },
      },
    ],
  });
  const pointer = `${CURRENT}.${process.pid}`;
  writeFileSync(pointer, name);
  renameSync(pointer, CURRENT);
  removeOldBuilds(name);
  return name;
}

function removeOldBuilds(keep) {
  for (const entry of readdirSync(DIST, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === keep) continue;
    const path = join(DIST, entry.name);
    if (Date.now() - statSync(path).mtimeMs > KEEP_OLD_BUILDS_MS) {
      rmSync(path, { recursive: true, force: true });
    }
  }
}

/** The path of an entry point's compiled file, building first when a source is newer. */
export async function ensureBuilt(entry) {
  const current = currentBuild();
  const name = current && current.builtFrom >= newestSource() ? current.name : await build();
  return join(DIST, name, `${entry}.js`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await build();
}
