import { Command, CommanderError } from 'commander';
import { isAppError } from '../errors.ts';
import { registerCommands } from './commands.ts';

/**
 * Runs the `custodian` command line on `argv` (as `process.argv`: node, script, then the arguments) and returns the
 * exit code. Errors from the catalogue exit with their code (see src/errors.ts); anything else exits 1 with a short
 * message, never a stack with data in it.
 *
 * @example
 * process.exitCode = await runCommandLine(process.argv);
 */
export async function runCommandLine(argv: readonly string[]): Promise<number> {
  const program = new Command('custodian')
    .description('Custodian: the CRM that keeps personal data lawful')
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (isAppError(error)) {
      process.stderr.write(`error ${error.code}: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`error: ${error instanceof Error ? error.message : 'command failed'}\n`);
    return 1;
  }
}
