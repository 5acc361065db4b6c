import type { Kysely } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { isAppError } from '../../errors.ts';
import type { FieldCipher } from '../../kernel/crypto/field-cipher.ts';
import type { KeyService } from '../../kernel/crypto/key-service.ts';
import { appendJournalLines } from '../../kernel/erasure/journal-lines.ts';
import type { ErasureTarget } from '../../kernel/erasure/person-erasers.ts';
import type { SetWiseEraser } from '../../kernel/erasure/set-wise-eraser.ts';
import { suppressionJournalFile } from '../../kernel/erasure/suppression-journal.ts';
import { workspaceFilter } from '../../kernel/erasure/workspace-filter.ts';
import type { SuppressionHash, SuppressionList } from '../../kernel/erasure/suppression-list.ts';
import { contactPointBinding } from '../../kernel/people/person-rows.ts';

const scope = (targets: readonly ErasureTarget[]) => ({
  workspaceId: (targets[0] as ErasureTarget).workspaceId,
  ids: targets.map((t) => t.personId),
});

/** Tables keyed by `person_id` that an eraser empties for the person. */
const byPerson = (
  name: string,
  tables: readonly (
    | 'consent_events'
    | 'consent_records'
    | 'objections'
    | 'restrictions'
    | 'deal_people'
    | 'consent_confirmations'
    | 'consent_recipient_tokens'
  )[],
): SetWiseEraser => ({
  name,
  async eraseMany(trx, targets) {
    const { workspaceId, ids } = scope(targets);
    for (const table of tables)
      await trx
        .deleteFrom(table)
        .where('workspace_id', '=', workspaceId)
        .where('person_id', 'in', ids)
        .execute();
  },
});

/**
 * Set-wise forms of the erasers Custodian registers (standing, person details and their suppression, activities,
 * tasks, deal links, custom values, consent channels), for the batched erasure of retention sweeps: one statement per
 * table per batch instead of several per person. Each leaves the rows the registered eraser leaves (the retention
 * tests erase twin persons through both paths and compare every table). Activities are the one place `anonymise`
 * differs: the person's activities stay, stripped of content and of the person, so counts per type and per deal
 * remain (ADR 0025). An eraser registered later without a set-wise form still runs, once per person.
 *
 * @example
 * const setWise = createSetWiseErasers({ keys, fieldCipher, suppression, journalDir: keyFiles.keysDir, dialect: db.dialect });
 * createBatchErasure({ …, setWise });
 */
export function createSetWiseErasers(deps: {
  readonly keys: Pick<KeyService, 'getDataKeys'>;
  readonly fieldCipher: Pick<FieldCipher, 'decrypt'>;
  readonly suppression: Pick<SuppressionList, 'hashes'>;
  readonly journalDir?: string;
  readonly dialect: DialectName;
}): ReadonlyMap<string, SetWiseEraser> {
  const ws = workspaceFilter(deps.dialect);
  // Hashes of each run's secondary identifiers, from the reversible phase (key still there) to the irreversible one,
  // kept per batch transaction: when a batch rolls back, its entries go with the transaction object.
  const pendingByBatch = new WeakMap<Kysely<Database>, Map<string, SuppressionHash[]>>();
  const pendingOf = (trx: Kysely<Database>) => {
    let map = pendingByBatch.get(trx);
    if (!map) pendingByBatch.set(trx, (map = new Map()));
    return map;
  };

  const personDetails: SetWiseEraser = {
    name: 'person-details',
    async eraseMany(trx, targets) {
      const { workspaceId, ids } = scope(targets);
      const points = await trx
        .selectFrom('person_contact_points')
        .select(['id', 'person_id', 'kind', 'value'])
        .where('workspace_id', '=', workspaceId)
        .where('person_id', 'in', ids)
        .where('is_primary', '=', 0)
        .where('kind', 'in', ['email', 'phone'])
        .execute();
      if (points.length > 0) {
        const keys = await deps.keys
          .getDataKeys(trx, workspaceId, [...new Set(points.map((p) => p.person_id))])
          .catch((error: unknown) => {
            // A person without a key row has nothing encrypted to hash.
            if (isAppError(error) && error.code === 'NOT_FOUND') return new Map<string, never>();
            throw error;
          });
        const runOf = new Map(targets.map((t) => [t.personId, t.runId]));
        for (const p of points) {
          const key = keys.get(p.person_id);
          if (!key) continue;
          const hashes = deps.suppression.hashes(workspaceId, {
            [p.kind]: deps.fieldCipher.decrypt(key, p.value, contactPointBinding(workspaceId, p.id)),
          });
          const runId = runOf.get(p.person_id) as string;
          const pending = pendingOf(trx);
          pending.set(runId, [...(pending.get(runId) ?? []), ...hashes]);
        }
      }
      for (const table of [
        'person_contact_points',
        'person_tags',
        'person_field_provenance',
        'person_rectifications',
      ] as const) {
        await trx
          .deleteFrom(table)
          .where('workspace_id', '=', workspaceId)
          .where('person_id', 'in', ids)
          .execute();
      }
      await trx
        .updateTable('persons')
        .set({
          job_title: null,
          address: null,
          notes: null,
          source_detail: null,
          organization_id: null,
          owner_user_id: null,
          lifecycle_stage: null,
          import_id: null,
        })
        .where(ws, '=', workspaceId)
        .where('id', 'in', ids)
        .execute();
    },
  };

  const personDetailsSuppression: SetWiseEraser = {
    name: 'person-details-suppression',
    async eraseMany(trx, targets) {
      const { workspaceId } = scope(targets);
      const pending = pendingOf(trx);
      const entries = targets.flatMap((t) => {
        const hashes = pending.get(t.runId) ?? [];
        return hashes.map((h) => ({ ...h, runId: t.runId, at: t.at }));
      });
      if (entries.length === 0) return;
      if (deps.journalDir) {
        appendJournalLines(
          deps.journalDir,
          suppressionJournalFile,
          entries.map((e) => ({
            workspaceId,
            kind: e.kind,
            hash: e.hash.toString('hex'),
            reason: 'erased',
            at: e.at,
            runId: e.runId,
          })),
        );
      }
      for (let i = 0; i < entries.length; i += 500) {
        await trx
          .insertInto('suppressions')
          .values(
            entries.slice(i, i + 500).map((e) => ({
              workspace_id: workspaceId,
              kind: e.kind,
              hash: e.hash,
              reason: 'erased',
              created_at: e.at,
              run_id: e.runId,
            })),
          )
          .onConflict((oc) => oc.columns(['workspace_id', 'kind', 'hash']).doNothing())
          .execute();
      }
    },
  };

  const activities: SetWiseEraser = {
    name: 'activities',
    anonymises: true,
    async eraseMany(trx, targets, { mode }) {
      const { workspaceId, ids } = scope(targets);
      if (mode === 'anonymise') {
        // Kept for the aggregates (type, time, duration, direction, outcome, links to deals and organizations),
        // without content (encrypted under the key about to be destroyed) and without the person.
        await trx
          .updateTable('activities')
          .set({
            key_person_id: null,
            subject_enc: null,
            body_enc: null,
            subject_text: null,
            body_text: null,
          })
          .where('workspace_id', '=', workspaceId)
          .where('key_person_id', 'in', ids)
          .execute();
      } else {
        const keyed = (eb: Kysely<Database>) =>
          eb
            .selectFrom('activities')
            .select('id')
            .where('workspace_id', '=', workspaceId)
            .where('key_person_id', 'in', ids);
        await trx
          .deleteFrom('activity_links')
          .where('workspace_id', '=', workspaceId)
          .where('activity_id', 'in', keyed(trx))
          .execute();
        await trx
          .deleteFrom('activities')
          .where('workspace_id', '=', workspaceId)
          .where('key_person_id', 'in', ids)
          .execute();
      }
      await trx
        .deleteFrom('activity_links')
        .where('workspace_id', '=', workspaceId)
        .where('entity', '=', 'person')
        .where('record_id', 'in', ids)
        .execute();
    },
  };

  const tasks: SetWiseEraser = {
    name: 'tasks',
    async eraseMany(trx, targets) {
      const { workspaceId, ids } = scope(targets);
      await trx
        .deleteFrom('tasks')
        .where('workspace_id', '=', workspaceId)
        .where('linked_entity', '=', 'person')
        .where('linked_id', 'in', ids)
        .execute();
    },
  };

  const customValues: SetWiseEraser = {
    name: 'custom-field-values',
    async eraseMany(trx, targets) {
      const { workspaceId, ids } = scope(targets);
      await trx
        .deleteFrom('custom_field_values')
        .where('workspace_id', '=', workspaceId)
        .where('entity', '=', 'person')
        .where('record_id', 'in', ids)
        .execute();
      await trx
        .deleteFrom('custom_value_sets')
        .where('workspace_id', '=', workspaceId)
        .where('entity', '=', 'person')
        .where('record_id', 'in', ids)
        .execute();
      await trx
        .deleteFrom('person_blind_indexes')
        .where(ws, '=', workspaceId)
        .where('person_id', 'in', ids)
        .where('field', 'like', 'custom.%')
        .execute();
    },
  };

  const list: SetWiseEraser[] = [
    byPerson('standing', ['consent_events', 'consent_records', 'objections', 'restrictions']),
    personDetails,
    personDetailsSuppression,
    activities,
    tasks,
    byPerson('deal-people', ['deal_people']),
    customValues,
    byPerson('consent-channels', ['consent_confirmations', 'consent_recipient_tokens']),
  ];
  return new Map(list.map((e) => [e.name, e]));
}
