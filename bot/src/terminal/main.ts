import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { askHolder, lockAddress } from '@sipops/db/data-dir-lock';
import { openRuntime, type Runtime } from '@sipops/shared/runtime';
import { ConfigError } from '@sipops/shared/runtime-config';
import { readCallerCwd, readTerminalConfig } from '../env.ts';
import { limitHeapGrowth } from '../heap-growth.ts';
import { forwardCommand } from './forward.ts';
import { EXIT_FAILED, EXIT_REFUSED, EXIT_USAGE, type TerminalIo } from './io.ts';
import { confirmationOf, confirmOn, runCli } from './run-cli.ts';

const io: TerminalIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
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

async function main(argv: string[]): Promise<number> {
  let config: ReturnType<typeof readTerminalConfig>;
  try {
    config = readTerminalConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`sip: ${error.message}\n`);
    return EXIT_USAGE;
  }
  const actor = `terminal:${userInfo().username}`;

  if (!config.databaseUrl) {
    const address = existsSync(config.dataDir) ? lockAddress(config.dataDir) : undefined;
    const holder = address ? await askHolder(address) : undefined;
    if (address && holder?.role === 'server') {
      // Ask here, where the person is; the server has no terminal to ask on.
      const confirmation = confirmationOf(argv);
      let forwarded = argv;
      if (confirmation && io.confirm) {
        if (!(await confirmOn(io, confirmation))) return EXIT_REFUSED;
        forwarded = [...argv, '--yes'];
      }
      return await forwardCommand(
        address,
        { argv: forwarded, actor, cwd: readCallerCwd(), isErrTerminal: io.isErrTerminal },
        io,
      );
    }
  }

  let runtime: Runtime | undefined;
  try {
    return await runCli(argv, {
      io,
      actor,
      cwd: readCallerCwd(),
      deps: async () => {
        runtime ??= await openRuntime(config, { role: 'terminal', pid: process.pid });
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
