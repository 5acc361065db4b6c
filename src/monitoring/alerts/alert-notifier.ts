import type { Kysely } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { appendAudit } from '../../kernel/audit/audit-log.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { Mailer } from '../../mail/mailer.ts';
import { alertTitle, type Alert } from './alert-store.ts';

export interface AlertNotifier {
  /** Emails each new alert to the users of `roles` and audits what was delivered (counts only). */
  notify(
    db: Kysely<Database>,
    workspaceId: string,
    roles: readonly string[],
    alerts: readonly Alert[],
  ): Promise<void>;
}

/**
 * Alert emails to the roles chosen in the rule settings. The message holds the rule, severity, summary (counts, no
 * personal data) and a link to the alert in the console; a failed delivery is audited, never retried in a loop.
 *
 * @example
 * const notifier = createAlertNotifier({ dialect: db.dialect, clock, mailer, publicUrl: config.publicUrl });
 * await notifier.notify(db.kysely, workspaceId, ['privacy_officer'], [alert]);
 */
export function createAlertNotifier(deps: {
  readonly dialect: DialectName;
  readonly clock: Clock;
  readonly mailer: Mailer;
  readonly publicUrl: string;
}): AlertNotifier {
  return {
    async notify(db, workspaceId, roles, alerts) {
      if (alerts.length === 0) return;
      const recipients =
        roles.length === 0
          ? []
          : await db
              .selectFrom('users')
              .innerJoin('roles', 'roles.id', 'users.role_id')
              .select('users.email')
              .where('users.workspace_id', '=', workspaceId)
              .where('users.disabled', '=', 0)
              .where('roles.key', 'in', [...roles])
              .execute();
      // Nobody to tell: the alert's own `alert.raise` entry is the record.
      if (recipients.length === 0) return;
      for (const alert of alerts) {
        let delivered = 0;
        let failed = 0;
        for (const r of recipients) {
          try {
            await deps.mailer.send({
              to: r.email,
              subject: `[Custodian] ${alert.severity} alert: ${alertTitle(alert.rule)}`,
              text: [
                `${alertTitle(alert.rule)} (${alert.severity})`,
                '',
                alert.summary,
                '',
                `Window: ${alert.windowStart} to ${alert.windowEnd}`,
                `Evidence: ${alert.evidence.count} audit entries`,
                '',
                `Review it, acknowledge, dismiss or open an incident: ${deps.publicUrl}/alerts/${alert.id}`,
              ].join('\n'),
            });
            delivered += 1;
          } catch {
            failed += 1;
          }
        }
        await db.transaction().execute((trx) =>
          appendAudit(trx, deps, {
            workspaceId,
            actor: { type: 'system', id: 'anomaly-detector' },
            action: 'alert.notify',
            outcome: failed > 0 ? 'failed' : 'allowed',
            resourceType: 'alert',
            resourceId: alert.id,
            details: { roles: [...roles], recipients: recipients.length, delivered, failed },
          }),
        );
      }
    },
  };
}
