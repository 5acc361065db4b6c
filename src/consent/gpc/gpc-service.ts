import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { isAppError } from '../../errors.ts';
import type { Catalogue } from '../../kernel/catalogue/create-catalogue.ts';
import type { ActorContext } from '../../kernel/gate/processing-context.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';
import { purposeNeedsConsent } from '../../kernel/purposes/purpose-types.ts';
import type { StandingService } from '../../kernel/standing/standing-service.ts';
import type { ConsentService } from '../records/consent-service.ts';
import type { ConsentEvidence } from '../records/consent-types.ts';

/** What a GPC signal changed for one purpose. */
export interface GpcOutcome {
  readonly purpose: string;
  /** `refused`/`withdrawn` (consent-based purpose), `objected` (other bases), `unchanged` (already so). */
  readonly result: 'refused' | 'withdrawn' | 'objected' | 'unchanged';
}

export interface GpcService {
  /** Purposes the signal applies to in this workspace (setting `consent.gpcPurposes`). */
  purposesFor(db: Kysely<Database>, workspaceId: string): Promise<string[]>;
  /**
   * Applies a `Sec-GPC: 1` signal to an identified person: an opt-out of sale, sharing and targeted advertising,
   * recorded for every flagged purpose — as a refused or withdrawn consent for consent-based ones, as an objection by
   * automated means (Art. 21(5)) for the others.
   */
  apply(db: Kysely<Database>, ctx: ActorContext, personId: string, evidence?: ConsentEvidence): Promise<GpcOutcome[]>;
}

/** Whether a request carries the Global Privacy Control signal (`Sec-GPC: 1`). */
export function hasGpcSignal(headers: Record<string, string | string[] | undefined>): boolean {
  const value = headers['sec-gpc'];
  return (Array.isArray(value) ? value[0] : value)?.trim() === '1';
}

/** The document served at `/.well-known/gpc.json` (the GPC specification's site-wide support declaration). */
export const gpcSupportDocument = { gpc: true, lastUpdate: '2026-11-29' } as const;

/**
 * @example
 * const gpc = createGpcService({ consent, standing, purposes, catalogue });
 * if (hasGpcSignal(request.headers)) await gpc.apply(db, ctx, personId, { gpc: true });
 */
export function createGpcService(deps: {
  readonly consent: Pick<ConsentService, 'record'>;
  readonly standing: Pick<StandingService, 'raiseObjection'>;
  readonly purposes: Pick<PurposeRegister, 'find'>;
  readonly catalogue: Pick<Catalogue, 'categoryFacts'>;
}): GpcService {
  const purposesFor: GpcService['purposesFor'] = async (db, workspaceId) => {
    const row = await db.selectFrom('settings').select('value').where('workspace_id', '=', workspaceId).where('key', '=', 'consent.gpcPurposes').executeTakeFirst();
    const value: unknown = row ? JSON.parse(row.value) : [];
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  };
  return {
    purposesFor,
    async apply(db, ctx, personId, evidence = {}) {
      const outcomes: GpcOutcome[] = [];
      for (const key of await purposesFor(db, ctx.workspaceId)) {
        const purpose = await deps.purposes.find(db, ctx.workspaceId, key);
        if (!purpose) continue;
        const categories = await deps.catalogue.categoryFacts(db, ctx.workspaceId, [...purpose.requiredCategories, ...purpose.optionalCategories]);
        if (purposeNeedsConsent(purpose, categories.some((c) => c.special))) {
          const current = await db
            .selectFrom('consent_records')
            .select('state')
            .where('workspace_id', '=', ctx.workspaceId)
            .where('person_id', '=', personId)
            .where('purpose_key', '=', key)
            .executeTakeFirst();
          const state = current && ['given', 'renewed', 'requested'].includes(current.state) ? 'withdrawn' : 'refused';
          if (current?.state === state) {
            outcomes.push({ purpose: key, result: 'unchanged' });
            continue;
          }
          await deps.consent.record(db, ctx, { personId, purpose: key, state, method: 'gpc_signal', evidence: { ...evidence, gpc: true } });
          outcomes.push({ purpose: key, result: state });
        } else {
          try {
            await deps.standing.raiseObjection(db, ctx, personId, { purpose: key });
            outcomes.push({ purpose: key, result: 'objected' });
          } catch (error) {
            // Already objected (409), or a basis one cannot object to: nothing more a signal can do.
            if (isAppError(error) && (error.code === 'CONFLICT' || error.code === 'VALIDATION_FAILED')) outcomes.push({ purpose: key, result: 'unchanged' });
            else throw error;
          }
        }
      }
      return outcomes;
    },
  };
}
