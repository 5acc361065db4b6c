import { Command, CommanderError } from 'commander';
import { isAppError } from '../errors.ts';
import { registerCommands } from './commands.ts';

/**
 * The `custodian` command line. Errors from the catalogue exit with their code (see src/errors.ts); anything else
 * exits 1 with a short message, never a stack with data in it.
 */
const program = new Command('custodian')
  .description('Custodian: the CRM that keeps personal data lawful')
  .showHelpAfterError()
  .exitOverride();
registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (isAppError(error)) {
    process.stderr.write(`error ${error.code}: ${error.message}\n`);
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(`error: ${error instanceof Error ? error.message : 'command failed'}\n`);
    process.exitCode = 1;
  }
}
