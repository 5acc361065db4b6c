import type { Command } from 'commander';
import { registerMigrateCommand } from './migrate-command.ts';
import { registerUserCommand } from './user-command.ts';
import { registerTokenCommand } from './token-command.ts';
import { registerKeysCommand } from './keys-command.ts';
import { registerAuditCommand } from './audit-command.ts';
import { registerRopaCommand } from '../governance/ropa/ropa-cli-command.ts';
import { registerBackupCommand } from './backup-command.ts';
import { registerRestoreCommand } from './restore-command.ts';
import { registerDemoCommand } from './demo-command.ts';
import { registerImportCommand } from './import-command.ts';
import { registerExportCommand } from './export-command.ts';
import { registerRequestsCommand } from './requests-command.ts';
import { registerFulfilmentCommand } from '../rights/fulfilment/fulfilment-cli-command.ts';

import { registerRetentionCommand } from '../rights/retention/retention-cli-command.ts';
import { registerComplianceCommand } from './compliance-command.ts';
import { registerAuditorPackCommand } from './auditor-pack-command.ts';
import { registerIncidentsCommand } from '../monitoring/incidents/incidents-cli-command.ts';
import { registerAlertsCommand } from './alerts-command.ts';
/** Every CLI command, registered in one place. A feature adds one line here. */
export function registerCommands(program: Command): void {
  registerMigrateCommand(program);
  registerUserCommand(program);
  registerTokenCommand(program);
  registerKeysCommand(program);
  registerAuditCommand(program);
  registerRopaCommand(program);
  registerBackupCommand(program);
  registerRestoreCommand(program);
  registerDemoCommand(program);
  registerImportCommand(program);
  registerExportCommand(program);
  registerRequestsCommand(program);
  registerFulfilmentCommand(program);
  registerRetentionCommand(program);
  registerComplianceCommand(program);
  registerAuditorPackCommand(program);
  registerIncidentsCommand(program);
  registerAlertsCommand(program);
}
