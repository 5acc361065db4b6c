import { runCommandLine } from './run-command-line.ts';

/** The `custodian` command line (see `run-command-line.ts`). */
process.exitCode = await runCommandLine(process.argv);
