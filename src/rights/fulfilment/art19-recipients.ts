import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { FulfilmentDeps } from './fulfilment-deps.ts';
import { outcomeTextsFor, recipientsSentenceIn } from './outcome-texts.ts';

/**
 * The recipients to tell of a rectification, erasure or restriction (Art. 19): the recipients each active purpose
 * declares, and the processors of the register that serve an active purpose (or every purpose). Names of
 * organisations only, sorted, without duplicates.
 *
 * @example
 * const recipients = await art19Recipients(deps, db, workspaceId); // ['Accountants and tax authorities', 'Mailjet']
 */
export async function art19Recipients(
  deps: Pick<FulfilmentDeps, 'purposes' | 'processors'>,
  db: Kysely<Database>,
  workspaceId: string,
): Promise<string[]> {
  const active = (await deps.purposes.list(db, workspaceId)).filter((p) => p.active);
  const keys = new Set(active.map((p) => p.key));
  const names = new Set<string>(active.flatMap((p) => p.recipients));
  for (const processor of await deps.processors.listAll(db, workspaceId)) {
    if (processor.purposes.length === 0 || processor.purposes.some((k) => keys.has(k)))
      names.add(processor.name);
  }
  return [...names].sort((a, b) => a.localeCompare(b));
}

/** The sentence the person reads about the recipients told (Art. 19, second sentence: on request, who they are). */
export function recipientsSentence(recipients: readonly string[], language = 'en'): string {
  return recipientsSentenceIn(outcomeTextsFor(language), recipients);
}
