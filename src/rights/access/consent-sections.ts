import type { ConsentService } from '../../consent/records/consent-service.ts';
import type { ReceiptService } from '../../consent/receipts/receipt-service.ts';
import { isAppError } from '../../errors.ts';
import type { AccessSection, SectionContext } from './access-section.ts';

/**
 * Sections of the person's standing: consent records with every event and its evidence (decrypted), a signed receipt
 * per event, pending double opt-in confirmations, objections and restrictions, legal holds, erasure runs.
 *
 * @example
 * const sections = standingSections({ consent, receipts });
 */
export function standingSections(deps: {
  readonly consent: Pick<ConsentService, 'recordsOf'>;
  readonly receipts: Pick<ReceiptService, 'issue'>;
}): AccessSection[] {
  // Consents and receipts read the same records: once per export.
  const memo = new WeakMap<SectionContext, ReturnType<ConsentService['recordsOf']>>();
  const recordsOf = (c: SectionContext) => {
    let found = memo.get(c);
    if (!found) {
      found = deps.consent.recordsOf(
        c.db,
        { workspaceId: c.workspaceId, actor: { type: 'system', id: null } },
        c.person.id,
      );
      memo.set(c, found);
    }
    return found;
  };

  const consents: AccessSection = {
    key: 'consents',
    tables: ['consent_records', 'consent_events'],
    portability: true,
    async collect(c) {
      const records = await recordsOf(c);
      return {
        items: records.flatMap((r) =>
          r.events.map((e) => ({
            recordId: r.id,
            purpose: r.purpose,
            currentState: r.state,
            validNow: r.validNow,
            eventId: e.id,
            state: e.state,
            at: e.at,
            method: e.method,
            purposeVersion: e.purposeVersion,
            noticeVersionId: e.noticeVersionId,
            jurisdiction: e.jurisdiction,
            language: e.language,
            explicit: e.explicit,
            expiresAt: e.expiresAt,
            recordedBy: e.recordedBy.type,
            evidence: e.evidence,
          })),
        ),
      };
    },
  };

  const receipts: AccessSection = {
    key: 'receipts',
    tables: ['consent_events'],
    portability: true,
    async collect(c) {
      const records = await recordsOf(c);
      const items: Record<string, unknown>[] = [];
      for (const r of records) {
        for (const e of r.events) {
          // Events recorded before receipts existed have no public id to sign.
          if (e.id.startsWith('legacy-')) continue;
          // A receipt that cannot be signed (its notice gone, say) is named, not allowed to sink the whole export.
          const issued = await deps.receipts.issue(c.db, c.workspaceId, e.id, e).catch((error: unknown) => {
            if (isAppError(error)) return { receiptId: null, jws: null, unavailable: error.code };
            throw error;
          });
          items.push({
            eventId: e.id,
            purpose: r.purpose,
            state: e.state,
            at: e.at,
            receiptId: issued.receiptId,
            jws: issued.jws,
            ...('unavailable' in issued ? { unavailable: issued.unavailable } : {}),
          });
        }
      }
      return { items };
    },
  };

  const confirmations: AccessSection = {
    key: 'consent_confirmations',
    tables: ['consent_confirmations'],
    portability: false,
    async collect(c) {
      const rows = await c.db
        .selectFrom('consent_confirmations')
        .select(['id', 'form_id', 'form_version', 'purposes', 'created_at', 'expires_at', 'used_at'])
        .where('workspace_id', '=', c.workspaceId)
        .where('person_id', '=', c.person.id)
        .orderBy('created_at')
        .execute();
      return {
        items: rows.map((r) => ({
          id: r.id,
          formId: r.form_id,
          formVersion: r.form_version,
          purposes: (JSON.parse(r.purposes) as { purpose?: string }[]).map((p) => p.purpose ?? null),
          sentAt: r.created_at,
          expiresAt: r.expires_at,
          confirmedAt: r.used_at,
        })),
      };
    },
  };

  const standing: AccessSection = {
    key: 'standing',
    tables: ['objections', 'restrictions'],
    portability: false,
    async collect(c) {
      const objections = await c.db
        .selectFrom('objections')
        .selectAll()
        .where('workspace_id', '=', c.workspaceId)
        .where('person_id', '=', c.person.id)
        .orderBy('objected_at')
        .execute();
      const restrictions = await c.db
        .selectFrom('restrictions')
        .selectAll()
        .where('workspace_id', '=', c.workspaceId)
        .where('person_id', '=', c.person.id)
        .orderBy('restricted_at')
        .execute();
      return {
        items: [
          ...objections.map((o) => ({
            kind: 'objection',
            id: o.id,
            purpose: o.purpose_key,
            since: o.objected_at,
            status: o.outcome,
            decidedAt: o.decided_at,
            reason: null,
            liftedAt: null,
          })),
          ...restrictions.map((r) => ({
            kind: 'restriction',
            id: r.id,
            purpose: null,
            since: r.restricted_at,
            status: r.lifted_at ? 'lifted' : 'active',
            decidedAt: null,
            reason: r.reason,
            liftedAt: r.lifted_at,
          })),
        ],
      };
    },
  };

  const legalHolds: AccessSection = {
    key: 'legal_holds',
    tables: ['legal_holds', 'legal_hold_persons'],
    portability: false,
    async collect(c) {
      const rows = await c.db
        .selectFrom('legal_holds as h')
        .select(['h.id', 'h.matter', 'h.reason', 'h.placed_at', 'h.released_at'])
        .where('h.workspace_id', '=', c.workspaceId)
        .where((eb) =>
          eb.or([
            eb('h.person_id', '=', c.person.id),
            eb(
              'h.id',
              'in',
              eb
                .selectFrom('legal_hold_persons')
                .select('hold_id')
                .where('workspace_id', '=', c.workspaceId)
                .where('person_id', '=', c.person.id),
            ),
          ]),
        )
        .orderBy('h.placed_at')
        .execute();
      return {
        items: rows.map((r) => ({
          id: r.id,
          matter: r.matter,
          reason: r.reason,
          placedAt: r.placed_at,
          releasedAt: r.released_at,
        })),
      };
    },
  };

  const erasureRuns: AccessSection = {
    key: 'erasure_runs',
    tables: ['erasure_runs'],
    portability: false,
    async collect(c) {
      const rows = await c.db
        .selectFrom('erasure_runs')
        .select(['id', 'trigger', 'status', 'kept', 'started_at', 'finished_at'])
        .where('workspace_id', '=', c.workspaceId)
        .where('person_id', '=', c.person.id)
        .orderBy('started_at')
        .execute();
      return {
        items: rows.map((r) => ({
          id: r.id,
          trigger: r.trigger,
          status: r.status,
          kept: JSON.parse(r.kept) as unknown,
          startedAt: r.started_at,
          finishedAt: r.finished_at,
        })),
      };
    },
  };

  return [consents, receipts, confirmations, standing, legalHolds, erasureRuns];
}
