import { lawfulBases } from '../../../kernel/purposes/purpose-types.ts';
import { jsonArray, type ComplianceCheck } from '../compliance-check.ts';
import { specialCategoryTest } from '../special-categories.ts';

const fix = '/purposes';
const isoDuration = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;

async function activePurposes(ctx: Parameters<ComplianceCheck['run']>[0]) {
  return ctx.db
    .selectFrom('purposes')
    .select([
      'key',
      'lawful_basis',
      'art9_condition',
      'legitimate_interest_assessment',
      'required_categories',
      'optional_categories',
      'retention',
      'direct_marketing',
    ])
    .where('workspace_id', '=', ctx.workspaceId)
    .where('active', '=', 1)
    .orderBy('key')
    .execute();
}

/** Checks over the purpose register (Art. 5(1)(b), 6, 9). */
export const purposeChecks: readonly ComplianceCheck[] = [
  {
    key: 'purpose.no-lawful-basis',
    group: 'purposes',
    title: 'An active purpose has no valid Art. 6(1) lawful basis',
    severity: 'critical',
    reference: 'GDPR Art. 6(1)',
    fixLink: fix,
    async run(ctx) {
      const rows = await activePurposes(ctx);
      return rows
        .filter((p) => !(lawfulBases as readonly string[]).includes(p.lawful_basis))
        .map((p) => ({
          subject: `purpose:${p.key}`,
          evidence: { purpose: p.key, lawfulBasis: p.lawful_basis || null },
          fixLink: fix,
        }));
    },
  },
  {
    key: 'purpose.li-without-assessment',
    group: 'purposes',
    title: 'A purpose relies on legitimate interests without a recorded balancing test (LIA)',
    severity: 'high',
    reference: 'GDPR Art. 6(1)(f), Recital 47',
    fixLink: fix,
    async run(ctx) {
      const rows = await activePurposes(ctx);
      return rows
        .filter(
          (p) =>
            p.lawful_basis === 'legitimate_interests' &&
            (p.legitimate_interest_assessment ?? '').trim().length < 20,
        )
        .map((p) => ({
          subject: `purpose:${p.key}`,
          evidence: {
            purpose: p.key,
            assessmentLength: (p.legitimate_interest_assessment ?? '').trim().length,
          },
          fixLink: fix,
        }));
    },
  },
  {
    key: 'purpose.special-without-art9',
    group: 'purposes',
    title: 'A purpose covers special-category data without an Art. 9(2) condition',
    severity: 'critical',
    reference: 'GDPR Art. 9(1)-(2)',
    fixLink: fix,
    async run(ctx) {
      const [rows, touchesSpecial] = await Promise.all([
        activePurposes(ctx),
        specialCategoryTest(ctx.db, ctx.workspaceId),
      ]);
      return rows.flatMap((p) => {
        const special = [...jsonArray(p.required_categories), ...jsonArray(p.optional_categories)].filter(
          touchesSpecial,
        );
        return special.length > 0 && !p.art9_condition
          ? [
              {
                subject: `purpose:${p.key}`,
                evidence: { purpose: p.key, specialCategories: special },
                fixLink: fix,
              },
            ]
          : [];
      });
    },
  },
  {
    key: 'purpose.no-retention',
    group: 'purposes',
    title: 'An active purpose has no valid retention period',
    severity: 'high',
    reference: 'GDPR Art. 5(1)(e), 13(2)(a)',
    fixLink: fix,
    async run(ctx) {
      const rows = await activePurposes(ctx);
      return rows
        .filter((p) => !isoDuration.test(p.retention ?? ''))
        .map((p) => ({
          subject: `purpose:${p.key}`,
          evidence: { purpose: p.key, retention: p.retention || null },
          fixLink: fix,
        }));
    },
  },
  {
    key: 'purpose.marketing-basis',
    group: 'purposes',
    title: 'A direct-marketing purpose rests on a basis other than consent or legitimate interests',
    severity: 'medium',
    reference: 'GDPR Art. 6(1), 21(2); ePrivacy Directive Art. 13',
    fixLink: fix,
    async run(ctx) {
      const rows = await activePurposes(ctx);
      return rows
        .filter(
          (p) =>
            p.direct_marketing === 1 &&
            p.lawful_basis !== 'consent' &&
            p.lawful_basis !== 'legitimate_interests',
        )
        .map((p) => ({
          subject: `purpose:${p.key}`,
          evidence: { purpose: p.key, lawfulBasis: p.lawful_basis },
          fixLink: fix,
        }));
    },
  },
  {
    key: 'purpose.no-categories',
    group: 'purposes',
    title: 'An active purpose declares no data categories (data minimisation cannot be enforced)',
    severity: 'low',
    reference: 'GDPR Art. 5(1)(c), 30(1)(c)',
    fixLink: fix,
    async run(ctx) {
      const rows = await activePurposes(ctx);
      return rows
        .filter(
          (p) => jsonArray(p.required_categories).length + jsonArray(p.optional_categories).length === 0,
        )
        .map((p) => ({ subject: `purpose:${p.key}`, evidence: { purpose: p.key }, fixLink: fix }));
    },
  },
];
