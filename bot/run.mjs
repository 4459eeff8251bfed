// Runs one of the bot's compiled entry points (see build.mjs), building it first when the sources
// changed: `node bot/run.mjs sip show 111` is `npm run sip -- show 111`.
import { pathToFileURL } from 'node:url';
import { ENTRY_POINTS, ensureBuilt } from './build.mjs';

const [entry, ...args] = process.argv.slice(2);
if (!entry || !(entry in ENTRY_POINTS)) {
  process.stderr.write(
    `run.mjs: the entry point must be one of ${Object.keys(ENTRY_POINTS).join(', ')}\n`,
  );
  process.exit(2);
}
const file = await ensureBuilt(entry);
// The entry point reads its arguments from process.argv, as when it is run directly.
process.argv = [process.argv[0], file, ...args];
await import(pathToFileURL(file).href);
