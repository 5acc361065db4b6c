import type { Command } from 'commander';
import { registerMigrateCommand } from './migrate-command.ts';
import { registerKeysCommand } from './keys-command.ts';

/** Every CLI command, registered in one place. A feature adds one line here. */
export function registerCommands(program: Command): void {
  registerMigrateCommand(program);
  registerKeysCommand(program);
}
