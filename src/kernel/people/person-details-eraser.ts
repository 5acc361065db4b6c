import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { isAppError } from '../../errors.ts';
import type { FieldCipher } from '../crypto/field-cipher.ts';
import type { KeyService } from '../crypto/key-service.ts';
import type { PersonEraser } from '../erasure/person-erasers.ts';
import { setWiseScope } from '../erasure/set-wise-eraser.ts';
import { workspaceFilter } from '../erasure/workspace-filter.ts';
import type { SuppressionHash, SuppressionList } from '../erasure/suppression-list.ts';
import { contactPointBinding } from './person-rows.ts';

const detailTables = ['person_contact_points', 'person_tags', 'person_field_provenance', 'person_rectifications'] as const;

/**
 * The erasers of a person's contact details (migration 0020): every email and phone, tags, per-field provenance and
 * rectification history are deleted, and the contact columns of `persons` the pipeline does not clear (job title,
 * address, notes, provenance text, organization, owner, stage) are nulled, with an undo while the run is reversible.
 * A second, irreversible eraser puts the secondary emails and phones on the suppression list (the pipeline itself
 * adds the primary ones), so that no identifier of an erased person is silently re-imported.
 *
 * @example
 * for (const eraser of createPersonDetailsErasers({ keys, fieldCipher, suppression })) erasers.register(eraser);
 */
export function createPersonDetailsErasers(deps: {
  readonly keys: Pick<KeyService, 'findDataKey'>;
  readonly fieldCipher: Pick<FieldCipher, 'decrypt'>;
  readonly suppression: Pick<SuppressionList, 'hashes' | 'add'>;
}): PersonEraser[] {
  // Hashes of each run's secondary identifiers, from the reversible phase (key still there) to the irreversible one.
  const pending = new Map<string, SuppressionHash[]>();
  // The same for the set-wise forms, per batch transaction: a batch that rolls back takes its entries with it.
  const pendingByBatch = new WeakMap<Kysely<Database>, { runId: string; hashes: SuppressionHash[] }[]>();

  const details: PersonEraser = {
    name: 'person-details',
    async erase(trx, target) {
      const { workspaceId, personId } = target;
      const saved = {} as { [T in (typeof detailTables)[number]]: Database[T][] };
      for (const table of detailTables) {
        saved[table] = (await (trx as Kysely<Database>)
          .selectFrom(table)
          .selectAll()
          .where('workspace_id', '=', workspaceId)
          .where('person_id', '=', personId)
          .execute()) as never;
      }
      const key = await deps.keys.findDataKey(trx, workspaceId, personId).catch((error: unknown) => {
        if (isAppError(error) && error.code === 'KEY_DESTROYED') return undefined;
        throw error;
      });
      if (key) {
        const hashes = saved.person_contact_points
          .filter((p) => p.is_primary === 0 && (p.kind === 'email' || p.kind === 'phone'))
          .flatMap((p) => deps.suppression.hashes(workspaceId, { [p.kind]: deps.fieldCipher.decrypt(key, p.value, contactPointBinding(workspaceId, p.id)) }));
        pending.set(target.runId, hashes);
      }
      const columns = await trx
        .selectFrom('persons')
        .select(['job_title', 'address', 'notes', 'source_detail', 'organization_id', 'owner_user_id', 'lifecycle_stage', 'import_id'])
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', personId)
        .executeTakeFirst();
      for (const table of detailTables) {
        await trx.deleteFrom(table).where('workspace_id', '=', workspaceId).where('person_id', '=', personId).execute();
      }
      await trx
        .updateTable('persons')
        .set({ job_title: null, address: null, notes: null, source_detail: null, organization_id: null, owner_user_id: null, lifecycle_stage: null, import_id: null })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', personId)
        .execute();
      const erased = detailTables.reduce((n, t) => n + saved[t].length, 0);
      return {
        erased,
        undo: async (t) => {
          pending.delete(target.runId);
          for (const table of detailTables) {
            const list = saved[table] as never[];
            for (let i = 0; i < list.length; i += 200) await t.insertInto(table).values(list.slice(i, i + 200)).execute();
          }
          if (columns) await t.updateTable('persons').set(columns).where('workspace_id', '=', workspaceId).where('id', '=', personId).execute();
        },
      };
    },
    async eraseMany(trx, targets, { keys, dialect }) {
      const { workspaceId, ids } = setWiseScope(targets);
      const points = await trx
        .selectFrom('person_contact_points')
        .select(['id', 'person_id', 'kind', 'value'])
        .where('workspace_id', '=', workspaceId)
        .where('person_id', 'in', ids)
        .where('is_primary', '=', 0)
        .where('kind', 'in', ['email', 'phone'])
        .execute();
      if (points.length > 0) {
        const runOf = new Map(targets.map((t) => [t.personId, t.runId]));
        const found = pendingByBatch.get(trx) ?? [];
        for (const p of points) {
          const key = keys.get(p.person_id);
          if (!key) continue;
          const value = deps.fieldCipher.decrypt(key, p.value, contactPointBinding(workspaceId, p.id));
          found.push({ runId: runOf.get(p.person_id) as string, hashes: deps.suppression.hashes(workspaceId, { [p.kind]: value }) });
        }
        pendingByBatch.set(trx, found);
      }
      for (const table of detailTables) {
        await trx.deleteFrom(table).where('workspace_id', '=', workspaceId).where('person_id', 'in', ids).execute();
      }
      await trx
        .updateTable('persons')
        .set({ job_title: null, address: null, notes: null, source_detail: null, organization_id: null, owner_user_id: null, lifecycle_stage: null, import_id: null })
        .where(workspaceFilter(dialect), '=', workspaceId)
        .where('id', 'in', ids)
        .execute();
    },
  };

  const suppressSecondary: PersonEraser = {
    name: 'person-details-suppression',
    reversible: false,
    async erase(trx, target) {
      const hashes = pending.get(target.runId) ?? [];
      pending.delete(target.runId);
      if (hashes.length > 0) await deps.suppression.add(trx, target.workspaceId, hashes, { reason: 'erased', at: target.at, runId: target.runId });
      return { erased: hashes.length };
    },
    // The batch writes these with the primary identifiers' entries (one journal append, one insert).
    async eraseMany(trx, targets) {
      const runs = new Set(targets.map((t) => t.runId));
      const all = pendingByBatch.get(trx) ?? [];
      const mine = all.filter((s) => runs.has(s.runId));
      pendingByBatch.set(trx, all.filter((s) => !runs.has(s.runId)));
      return { suppress: mine };
    },
  };

  return [details, suppressSecondary];
}
