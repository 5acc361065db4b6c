import type { FieldCipher } from '../../kernel/crypto/field-cipher.ts';
import type { DataKey, KeyService } from '../../kernel/crypto/key-service.ts';
import { activityBinding } from '../../crm/activities/activity-content.ts';
import { customValueBinding } from '../../crm/custom-fields/custom-value-binding.ts';
import { taskBinding } from '../../crm/tasks/tasks-service.ts';
import type { AccessSection, FlaggedItem, SectionContext } from './access-section.ts';

/**
 * Sections of CRM records about the person: custom field values, activities and tasks (content decrypted), deals and
 * organizations linked. Activities that also link other people are flagged for review: their content may be about
 * those people too, and they are never named (only counted).
 *
 * @example
 * const sections = crmSections({ fieldCipher, keys });
 */
export function crmSections(deps: {
  readonly fieldCipher: FieldCipher;
  readonly keys: Pick<KeyService, 'findDataKey'>;
}): AccessSection[] {
  const { fieldCipher } = deps;

  const customValues: AccessSection = {
    key: 'custom_fields',
    tables: ['custom_field_values', 'custom_fields', 'custom_value_sets'],
    portability: true,
    async collect(c) {
      const rows = await c.db
        .selectFrom('custom_field_values as v')
        .innerJoin('custom_fields as f', (j) =>
          j.onRef('f.id', '=', 'v.field_id').onRef('f.workspace_id', '=', 'v.workspace_id'),
        )
        .select([
          'v.field_id',
          'v.value_cipher',
          'v.value_plain',
          'v.updated_at',
          'f.key',
          'f.label',
          'f.category',
          'f.source',
          'f.position',
        ])
        .where('v.workspace_id', '=', c.workspaceId)
        .where('v.entity', '=', 'person')
        .where('v.record_id', '=', c.person.id)
        .orderBy('f.position')
        .execute();
      return {
        items: rows
          .filter((r) => c.portable(r.category, r.source))
          .map((r) => {
            let value: unknown = null;
            if (r.value_cipher && c.key)
              value = fieldCipher.decryptJson<unknown>(
                c.key,
                r.value_cipher,
                customValueBinding(c.workspaceId, r.field_id, c.person.id),
              );
            else if (r.value_plain !== null) value = JSON.parse(r.value_plain) as unknown;
            return { field: r.key, label: r.label, category: r.category, value, updatedAt: r.updated_at };
          }),
      };
    },
  };

  const activities: AccessSection = {
    key: 'activities',
    tables: ['activities', 'activity_links'],
    portability: false,
    async collect(c) {
      // One index range on the person's links (in time order), joined to the activities.
      const rows = await c.db
        .selectFrom('activity_links as l')
        .innerJoin('activities as a', (j) =>
          j.onRef('a.id', '=', 'l.activity_id').onRef('a.workspace_id', '=', 'l.workspace_id'),
        )
        .selectAll('a')
        .where('l.workspace_id', '=', c.workspaceId)
        .where('l.entity', '=', 'person')
        .where('l.record_id', '=', c.person.id)
        .orderBy('l.occurred_at')
        .orderBy('l.activity_id')
        .execute();
      // The same activities' other links (primary key range per activity).
      const others = await c.db
        .selectFrom('activity_links as l')
        .innerJoin('activity_links as o', (j) =>
          j.onRef('o.workspace_id', '=', 'l.workspace_id').onRef('o.activity_id', '=', 'l.activity_id'),
        )
        .select(['o.activity_id', 'o.entity', 'o.record_id'])
        .where('l.workspace_id', '=', c.workspaceId)
        .where('l.entity', '=', 'person')
        .where('l.record_id', '=', c.person.id)
        .where((eb) => eb.or([eb('o.entity', '!=', 'person'), eb('o.record_id', '!=', c.person.id)]))
        .execute();
      const otherPeople = new Map<string, number>();
      const otherRecords = new Map<string, string[]>();
      for (const o of others) {
        if (o.entity === 'person') otherPeople.set(o.activity_id, (otherPeople.get(o.activity_id) ?? 0) + 1);
        else
          otherRecords.set(o.activity_id, [
            ...(otherRecords.get(o.activity_id) ?? []),
            `${o.entity}:${o.record_id}`,
          ]);
      }
      // Content is encrypted under the key person's key: usually this person, another one when they were linked first.
      const keys = new Map<string, DataKey | undefined>();
      if (c.key) keys.set(c.person.id, c.key);
      for (const keyPerson of new Set(
        rows.map((r) => r.key_person_id).filter((k): k is string => k !== null && !keys.has(k)),
      )) {
        keys.set(
          keyPerson,
          await deps.keys.findDataKey(c.db, c.workspaceId, keyPerson).catch(() => undefined),
        );
      }
      const flagged: FlaggedItem[] = [];
      const items = rows.map((r) => {
        const key = r.key_person_id === null ? undefined : keys.get(r.key_person_id);
        const encrypted = r.key_person_id !== null;
        const subject = encrypted
          ? key && r.subject_enc
            ? fieldCipher.decrypt(key, r.subject_enc, activityBinding(r.workspace_id, r.id, 'subject'))
            : null
          : r.subject_text;
        const body = encrypted
          ? key && r.body_enc
            ? fieldCipher.decrypt(key, r.body_enc, activityBinding(r.workspace_id, r.id, 'body'))
            : null
          : r.body_text;
        const otherCount = otherPeople.get(r.id) ?? 0;
        if (otherCount > 0)
          flagged.push({
            recordId: r.id,
            reason: `links ${otherCount} other person(s): the content may be about them`,
          });
        return {
          id: r.id,
          type: r.type,
          occurredAt: r.occurred_at,
          subject,
          body,
          durationMinutes: r.duration_minutes,
          direction: r.direction,
          outcome: r.outcome,
          linkedRecords: otherRecords.get(r.id) ?? [],
          otherPeopleLinked: otherCount,
          flaggedForReview: otherCount > 0,
          createdAt: r.created_at,
          updatedAt: r.updated_at,
        };
      });
      return { items, flagged };
    },
  };

  const tasks: AccessSection = {
    key: 'tasks',
    tables: ['tasks'],
    portability: false,
    async collect(c: SectionContext) {
      const rows = await c.db
        .selectFrom('tasks')
        .selectAll()
        .where('workspace_id', '=', c.workspaceId)
        .where('linked_entity', '=', 'person')
        .where('linked_id', '=', c.person.id)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return {
        items: rows.map((r) => ({
          id: r.id,
          title:
            r.title_enc && c.key
              ? fieldCipher.decrypt(c.key, r.title_enc, taskBinding(r.workspace_id, r.id))
              : r.title_text,
          status: r.status,
          priority: r.priority,
          dueDate: r.due_date,
          dueTime: r.due_time,
          completedAt: r.completed_at,
          createdAt: r.created_at,
          updatedAt: r.updated_at,
        })),
      };
    },
  };

  const deals: AccessSection = {
    key: 'deals',
    tables: ['deal_people', 'deals', 'pipeline_stages'],
    portability: false,
    async collect(c) {
      const rows = await c.db
        .selectFrom('deal_people as dp')
        .innerJoin('deals as d', (j) =>
          j.onRef('d.id', '=', 'dp.deal_id').onRef('d.workspace_id', '=', 'dp.workspace_id'),
        )
        .leftJoin('pipeline_stages as s', (j) =>
          j.onRef('s.id', '=', 'd.stage_id').onRef('s.workspace_id', '=', 'd.workspace_id'),
        )
        .select([
          'd.id',
          'd.title',
          'd.amount',
          'd.currency',
          'd.status',
          'd.expected_close_date',
          'd.closed_at',
          'd.organization_id',
          's.name as stage',
          'dp.created_at as linked_at',
        ])
        .where('dp.workspace_id', '=', c.workspaceId)
        .where('dp.person_id', '=', c.person.id)
        .orderBy('dp.created_at')
        .execute();
      return {
        items: rows.map((r) => ({
          id: r.id,
          title: r.title,
          amount: Number(r.amount),
          currency: r.currency,
          stage: r.stage,
          status: r.status,
          expectedCloseDate: r.expected_close_date,
          closedAt: r.closed_at,
          organizationId: r.organization_id,
          linkedAt: r.linked_at,
        })),
      };
    },
  };

  const organizations: AccessSection = {
    key: 'organizations',
    tables: ['organizations'],
    portability: false,
    async collect(c) {
      const fromDeals = await c.db
        .selectFrom('deal_people as dp')
        .innerJoin('deals as d', (j) =>
          j.onRef('d.id', '=', 'dp.deal_id').onRef('d.workspace_id', '=', 'dp.workspace_id'),
        )
        .select('d.organization_id')
        .where('dp.workspace_id', '=', c.workspaceId)
        .where('dp.person_id', '=', c.person.id)
        .where('d.organization_id', 'is not', null)
        .execute();
      const ids = [
        ...new Set(
          [c.person.organization_id, ...fromDeals.map((r) => r.organization_id)].filter(
            (id): id is string => id !== null,
          ),
        ),
      ];
      if (ids.length === 0) return { items: [] };
      const rows = await c.db
        .selectFrom('organizations')
        .select(['id', 'name', 'domain', 'industry', 'city', 'country'])
        .where('workspace_id', '=', c.workspaceId)
        .where('id', 'in', ids)
        .orderBy('name')
        .execute();
      return {
        items: rows.map((r) => ({
          id: r.id,
          name: r.name,
          domain: r.domain,
          industry: r.industry,
          city: r.city,
          country: r.country,
          relation: r.id === c.person.organization_id ? 'works_for' : 'deal',
        })),
      };
    },
  };

  return [customValues, activities, tasks, deals, organizations];
}
