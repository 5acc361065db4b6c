import type { Db } from '../../db/database.ts';
import { deriveKey } from '../../kernel/crypto/key-files.ts';
import type { Catalogue } from '../../kernel/catalogue/create-catalogue.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { PrivacyEvents } from '../../kernel/events/privacy-events.ts';
import type { Mailer } from '../../mail/mailer.ts';
import { createAlertNotifier } from './alert-notifier.ts';
import { createAlertRuleStore, type AlertRuleStore } from './alert-rule-store.ts';
import { createAlertStore, type AlertStore } from './alert-store.ts';
import { createAnomalyDetector, type AnomalyDetector, type AnomalyDetectorDeps } from './anomaly-detector.ts';

/** Anomaly detection and alerts (`services.alerts`). */
export interface AlertsArea {
  /** Alerts: list, get, acknowledge, dismiss, open an incident. */
  readonly store: AlertStore;
  /** Per-workspace rule settings. */
  readonly rules: AlertRuleStore;
  /** A detector for this process (main.ts starts one; tests and the benchmark call `runOnce`). */
  detector(
    holderId: string,
    options?: Pick<AnomalyDetectorDeps, 'batchSize' | 'leaseMs' | 'onError'>,
  ): AnomalyDetector;
}

/**
 * Builds the alerts area once (src/services.ts).
 *
 * @example
 * const alerts = createAlertsArea({ db, clock, catalogue, mailer, privacyEvents, serverSecret: keyFiles.serverSecret, publicUrl: config.publicUrl });
 * const detector = alerts.detector(`${os.hostname()}:${process.pid}`);
 * detector.start();
 */
export function createAlertsArea(deps: {
  readonly db: Db;
  readonly clock: Clock;
  readonly catalogue: Pick<Catalogue, 'listCategories'>;
  readonly mailer: Mailer;
  readonly privacyEvents: PrivacyEvents;
  readonly serverSecret: Buffer;
  readonly publicUrl: string;
}): AlertsArea {
  const store = createAlertStore({ dialect: deps.db.dialect, clock: deps.clock });
  const rules = createAlertRuleStore({ dialect: deps.db.dialect, clock: deps.clock });
  const notifier = createAlertNotifier({
    dialect: deps.db.dialect,
    clock: deps.clock,
    mailer: deps.mailer,
    publicUrl: deps.publicUrl,
  });
  const addressKey = deriveKey(deps.serverSecret, 'alert-address-digests');
  return {
    store,
    rules,
    detector: (holderId, options = {}) =>
      createAnomalyDetector({
        db: deps.db,
        clock: deps.clock,
        holderId,
        rules,
        alerts: store,
        notifier,
        catalogue: deps.catalogue,
        privacyEvents: deps.privacyEvents,
        addressKey,
        ...options,
      }),
  };
}
