import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { setFlagsFromString } from 'node:v8';
import { askHolder, commandAddress, lockAddress } from '@sipops/db/data-dir-lock';
import { preparePglite } from '@sipops/db/pglite-engine';
import type { TerminalConfig } from '@sipops/shared/config/processes';
import { readForwardEnv } from '../process/forward-env.ts';
import { limitHeapGrowth } from '../process/heap-growth.ts';
import type { CallerFile } from './caller-files.ts';
import { forwardCommand } from './forward-client.ts';
import {
  asksForHelp,
  EXIT_FAILED,
  EXIT_REFUSED,
  EXIT_USAGE,
  showControlCharacters,
  type TerminalIo,
} from './io.ts';
import { PREPARED_VERBS } from './prepared-verbs.ts';

/** The verbs that work through many rows: they run long enough for optimized code to pay. */
const BULK_VERBS = new Set(['import', 'export']);

// The command table and the database are loaded only when needed (import() below): a call
// forwarded to a running server as typed needs neither, and answers sooner without them.

// A reader gone before the end (`npm run sip -- export | head`) closes the pipe: the rest of the
// output is dropped, without a stack trace, and the command still ends as it would have (a
// change is never cut in the middle for want of a reader).
let isOutGone = false;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  isOutGone = true;
});

const io: TerminalIo = {
  out: (text) => {
    if (!isOutGone) process.stdout.write(showControlCharacters(text));
  },
  err: (text) => process.stderr.write(showControlCharacters(text)),
  confirm:
    process.stdin.isTTY && process.stderr.isTTY
      ? async (question) => {
          const rl = createInterface({ input: process.stdin, output: process.stderr });
          try {
            return /^y(es)?$/i.test((await rl.question(question)).trim());
          } finally {
            rl.close();
          }
        }
      : undefined,
  isErrTerminal: process.stderr.isTTY === true,
};

/**
 * The variables, read once through the configuration's schemas (loaded here, when needed); the
 * commands are given what they need. An exit code when a variable is wrong.
 */
async function readTerminal(): Promise<TerminalConfig | number> {
  const [{ readTerminalEnv }, { ConfigError }] = await Promise.all([
    import('../process/env.ts'),
    import('@sipops/shared/config/read'),
  ]);
  try {
    return readTerminalEnv();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`sip: ${error.message}\n`);
    return EXIT_USAGE;
  }
}

async function main(argv: string[]): Promise<number> {
  // A server running on the embedded database takes the command as typed, with its own
  // settings: asked first, before anything else is loaded.
  const { dataDir, cwd } = readForwardEnv();
  if (dataDir) {
    const address = existsSync(dataDir) ? lockAddress(dataDir) : undefined;
    const holder = address ? await askHolder(address) : undefined;
    if (address && holder?.role === 'server') {
      const files: { name: string; file: CallerFile }[] = [];
      let forwarded = argv;
      if (PREPARED_VERBS.has(argv[0] ?? '')) {
        const { callerFilesOf, confirmationOf, confirmOn, reportFailure } = await import(
          './run-cli.ts'
        );
        const { requireImportFile, requireLogoFile } = await import('./commands.ts');
        // Ask here, where the person is; the server has no terminal to ask on.
        const confirmation = confirmationOf(argv);
        if (confirmation && io.confirm) {
          if (!(await confirmOn(io, confirmation))) return EXIT_REFUSED;
          forwarded = [...argv, '--yes'];
        }
        // Files are read here, as the person who typed the command, and sent: the server opens none.
        const local = { cwd };
        try {
          for (const { name, kind } of callerFilesOf(forwarded))
            files.push({
              name,
              file: await (kind === 'import' ? requireImportFile : requireLogoFile)(local, name),
            });
        } catch (error) {
          return reportFailure(error, io, argv.includes('--json'));
        }
      }
      try {
        return await forwardCommand(
          commandAddress(dataDir),
          { argv: forwarded, isErrTerminal: io.isErrTerminal },
          io,
          files,
        );
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        io.err(
          code === 'EACCES' || code === 'ENOENT'
            ? `sip: the sipops server running on ${dataDir} belongs to another user: run the command as that user\n`
            : `sip: failed: the running sipops server did not answer: ${(error as Error).message}\n`,
        );
        return EXIT_FAILED;
      }
    }
  }

  // No server takes the command: it opens the embedded database itself. PGlite runs as
  // WebAssembly; for a command of a second, V8's baseline compiler alone starts and ends it a
  // quarter sooner (1.52 s -> 1.14 s for a `show`) than when it also compiles the hot functions
  // again, optimized, in the background; such a command also takes a small buffer pool.
  // Importing or exporting many rows keeps both. PGlite compiles while this thread loads the
  // configuration and the commands (a `show`, median of 20 alternating runs: 1.05 -> 1.0 s).
  const isBulk = BULK_VERBS.has(argv[0] ?? '');
  if (dataDir) {
    if (!isBulk) setFlagsFromString('--liftoff-only');
    // Help opens nothing, and would wait for the compiling to end (`help`: 0.45 -> 0.6 s).
    if (!asksForHelp(argv)) void preparePglite().catch(() => {});
  }
  const terminal = await readTerminal();
  if (typeof terminal === 'number') return terminal;
  const config = terminal.runtime;

  const [{ runCli }, { openRuntime }] = await Promise.all([
    import('./run-cli.ts'),
    import('@sipops/shared/runtime'),
  ]);
  let runtime: Awaited<ReturnType<typeof openRuntime>> | undefined;
  try {
    return await runCli(argv, {
      io,
      actor: `terminal:${userInfo().username}`,
      cwd,
      settings: terminal.settings,
      deps: async () => {
        if (!runtime) {
          runtime = await openRuntime(config, { role: 'terminal', pid: process.pid }, undefined, {
            isBrief: !isBulk,
          });
          if (isBulk)
            runtime.deps.startRowWorkers = (
              await import('../process/row-workers.ts')
            ).rowWorkersOfBuild();
        }
        return runtime.deps;
      },
    });
  } finally {
    await runtime?.close();
  }
}

limitHeapGrowth();
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    io.err(`sip: failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = EXIT_FAILED;
  },
);
