// Compiles the bot's entry points (the server, the workers, the terminal, the migrator) to plain
// JavaScript in bot/dist, so that `npm start` and `npm run sip` run compiled code rather than
// compiling TypeScript at every start. Our own workspaces (@sipops/*) are bundled in; packages
// from node_modules stay imports. Code that only some verbs need is split into chunks loaded on
// demand. A stamp records the newest source time: `ensureBuilt()` rebuilds only when a source
// file is newer, so an edited checkout never runs stale code.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(ROOT, 'bot/dist');
const STAMP = join(DIST, '.built-from');
const SOURCES = ['bot/src', 'shared/src', 'db/src', 'patches'].map((dir) => join(ROOT, dir));

export const ENTRY_POINTS = {
  start: 'bot/src/start.ts',
  'start-workers': 'bot/src/start-workers.ts',
  sip: 'bot/src/terminal/main.ts',
  'migrate-database': 'bot/src/migrate-database.ts',
};

/** The newest modification time of a source file (tests excluded), in milliseconds. */
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
  return newest;
}

function builtFrom() {
  try {
    return Number(readFileSync(STAMP, 'utf8'));
  } catch {
    return -1;
  }
}

/** Builds bot/dist from the sources. */
export async function build() {
  const newest = newestSource();
  const { build: esbuild } = await import('esbuild');
  await esbuild({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(
      Object.entries(ENTRY_POINTS).map(([name, path]) => [name, join(ROOT, path)]),
    ),
    outdir: DIST,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.9',
    sourcemap: 'linked',
    logLevel: 'warning',
    // Packages stay imports from node_modules; our workspaces are TypeScript and are bundled.
    plugins: [
      {
        name: 'node-modules-external',
        setup(builder) {
          builder.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@sipops/') ? undefined : { path: args.path, external: true },
          );
        },
      },
    ],
  });
  mkdirSync(DIST, { recursive: true });
  writeFileSync(STAMP, String(newest));
}

/** Builds bot/dist when a source file is newer than the last build. */
export async function ensureBuilt() {
  if (builtFrom() >= newestSource()) return;
  await build();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await build();
}
