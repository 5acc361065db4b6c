import { categoryWithin } from '../../../kernel/catalogue/category-prefix.ts';
import { jsonArray, type ComplianceCheck } from '../compliance-check.ts';

const fix = '/catalogue';
const isoDuration = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;

/** Approximate length of an ISO 8601 duration in days (years 365, months 30), or null when it is not one. */
function durationDays(value: string): number | null {
  const m = isoDuration.exec(value);
  if (!m) return null;
  const n = (s: string | undefined) => (s ? Number.parseInt(s, 10) : 0);
  return n(m[1]) * 365 + n(m[2]) * 30 + n(m[3]) * 7 + n(m[4]);
}

/** Checks over the data catalogue (Art. 5(1)(e), 9, 30). */
export const catalogueChecks: readonly ComplianceCheck[] = [
  {
    key: 'catalogue.attribute-no-retention',
    group: 'catalogue',
    title: 'A declared personal-data attribute has no valid retention period',
    severity: 'high',
    reference: 'GDPR Art. 5(1)(e), 30(1)(f)',
    fixLink: fix,
    async run(ctx) {
      const rows = await ctx.db
        .selectFrom('catalogue_attributes')
        .select(['entity', 'attribute', 'retention'])
        .where('workspace_id', '=', ctx.workspaceId)
        .orderBy('entity')
        .orderBy('attribute')
        .execute();
      return rows
        .filter((a) => durationDays(a.retention ?? '') === null)
        .map((a) => ({
          subject: `attribute:${a.entity}.${a.attribute}`,
          evidence: { entity: a.entity, attribute: a.attribute, retention: a.retention || null },
        }));
    },
  },
  {
    key: 'catalogue.retention-over-ten-years',
    group: 'catalogue',
    title: 'A declared attribute is kept for more than ten years by default',
    severity: 'low',
    reference: 'GDPR Art. 5(1)(e) (storage limitation)',
    fixLink: fix,
    async run(ctx) {
      const rows = await ctx.db
        .selectFrom('catalogue_attributes')
        .select(['entity', 'attribute', 'retention'])
        .where('workspace_id', '=', ctx.workspaceId)
        .orderBy('entity')
        .orderBy('attribute')
        .execute();
      return rows
        .filter((a) => (durationDays(a.retention ?? '') ?? 0) > 3650)
        .map((a) => ({
          subject: `attribute:${a.entity}.${a.attribute}`,
          evidence: { entity: a.entity, attribute: a.attribute, retention: a.retention },
        }));
    },
  },
  {
    key: 'catalogue.special-attribute-uncovered',
    group: 'catalogue',
    title: 'A special-category attribute is not covered by any active purpose with an Art. 9(2) condition',
    severity: 'high',
    reference: 'GDPR Art. 9(2)',
    fixLink: '/purposes',
    async run(ctx) {
      const [attributes, purposes] = await Promise.all([
        ctx.db
          .selectFrom('catalogue_attributes')
          .select(['entity', 'attribute', 'category'])
          .where('workspace_id', '=', ctx.workspaceId)
          .where('special', '=', 1)
          .orderBy('entity')
          .orderBy('attribute')
          .execute(),
        ctx.db
          .selectFrom('purposes')
          .select(['required_categories', 'optional_categories'])
          .where('workspace_id', '=', ctx.workspaceId)
          .where('active', '=', 1)
          .where('art9_condition', 'is not', null)
          // The built-in requests purpose covers every category only to answer a person's own request (ADR 0034).
          .where('answers_requests', '=', 0)
          .execute(),
      ]);
      const prefixes = purposes.flatMap((p) => [
        ...jsonArray(p.required_categories),
        ...jsonArray(p.optional_categories),
      ]);
      return attributes
        .filter((a) => !prefixes.some((p) => categoryWithin(a.category, p)))
        .map((a) => ({
          subject: `attribute:${a.entity}.${a.attribute}`,
          evidence: { entity: a.entity, attribute: a.attribute, category: a.category },
        }));
    },
  },
];
