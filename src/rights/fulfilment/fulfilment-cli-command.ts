import type { Command } from 'commander';
import { openCliContext, type CliContext } from '../../cli/cli-context.ts';
import { AppError } from '../../errors.ts';
import type { ProcessingContext } from '../../kernel/gate/processing-context.ts';
import { restrictionReasons, type RestrictionReason } from '../../kernel/standing/standing-types.ts';

async function contextOf(
  cli: CliContext,
  options: { workspace?: string; purpose: string },
): Promise<ProcessingContext> {
  const query = cli.db.kysely.selectFrom('workspaces').select('id');
  const workspace = options.workspace
    ? await query.where('id', '=', options.workspace).executeTakeFirst()
    : await query.orderBy('created_at').orderBy('id').executeTakeFirst();
  if (!workspace) throw new AppError('NOT_FOUND', { detail: 'There is no such workspace' });
  // The operator runs on the server with the keys at hand: every purpose and category, through the gate all the same.
  return {
    workspaceId: workspace.id,
    actor: { type: 'system', id: 'cli' },
    purpose: options.purpose,
    role: { purposes: ['*'], dataCategories: ['*'], permissions: ['requests:read', 'requests:write'] },
  };
}

type Common = { workspace?: string; purpose: string };

/** Opens the CLI context, runs `work` in the request's processing context and prints its lines. */
async function run(
  options: Common,
  work: (cli: CliContext, ctx: ProcessingContext) => Promise<string[]>,
): Promise<void> {
  const cli = await openCliContext();
  try {
    const lines = await work(cli, await contextOf(cli, options));
    for (const line of lines) console.log(line);
  } finally {
    await cli.close();
  }
}

const purposeList = (value: string, previous: string[] = []) => [...previous, value];

/**
 * `custodian fulfil export|erase|restrict|lift-notice|lift|object|withdraw-consent <request-id>`: the fulfilment
 * actions an operator may script, the same use-cases as the API (checks, gate, audit with the actor `system:cli`).
 * Rectification and objection assessments need staff judgement: they are in the console and the API.
 *
 * @example
 * custodian fulfil erase 6f1c…   # prints the certificate id and the sentences the person reads
 */
export function registerFulfilmentCommand(program: Command): void {
  const fulfil = program
    .command('fulfil')
    .description(
      'fulfil a verified data subject request (export, erase, restrict, lift, object, withdraw consent)',
    );
  const common = (c: Command) =>
    c
      .option('--purpose <key>', 'purpose the processing runs under', 'crm')
      .option('--workspace <id>', 'workspace id (default: the first workspace)');

  common(
    fulfil
      .command('export <requestId>')
      .description('build the access or portability export and store it on the request'),
  ).action((id: string, options: Common) =>
    run(options, async (cli, ctx) => {
      const r = await cli.services.fulfilment.access.buildExport(ctx, id, {});
      return [
        `${r.request.reference} ${r.request.status}: ${r.filename} (${r.bytes} bytes)`,
        ...(r.released
          ? []
          : [
              `${r.flaggedForReview.length} item(s) name other people: review them and confirm the release in the console`,
            ]),
      ];
    }),
  );

  common(
    fulfil.command('erase <requestId>').description('erase the person through the erasure pipeline'),
  ).action((id: string, options: Common) =>
    run(options, async (cli, ctx) => {
      const r = await cli.services.fulfilment.erasure.erase(ctx, id, {});
      return [
        `${r.request.reference} ${r.request.status}${r.certificate ? `: certificate ${r.certificate.id}` : ''}`,
        ...r.outcome,
      ];
    }),
  );

  common(fulfil.command('restrict <requestId>').description('restrict processing of the person (Art. 18)'))
    .requiredOption('--reason <reason>', `ground (${restrictionReasons.join(', ')})`)
    .action((id: string, options: Common & { reason: string }) =>
      run(options, async (cli, ctx) => {
        if (!(restrictionReasons as readonly string[]).includes(options.reason)) {
          throw new AppError('BAD_REQUEST', {
            detail: `--reason is one of ${restrictionReasons.join(', ')}`,
          });
        }
        const r = await cli.services.fulfilment.restriction.restrict(ctx, id, {
          reason: options.reason as RestrictionReason,
        });
        return [`${r.request.reference} ${r.request.status}: restriction ${r.restrictionId}`, ...r.outcome];
      }),
    );

  common(
    fulfil
      .command('lift-notice <requestId>')
      .description('email the person that the restriction will be lifted, and why'),
  )
    .requiredOption('--reason <text>', 'why the restriction will be lifted (sent to the person)')
    .action((id: string, options: Common & { reason: string }) =>
      run(options, async (cli, ctx) => {
        if (options.reason.trim() === '')
          throw new AppError('BAD_REQUEST', { detail: '--reason must say why' });
        const r = await cli.services.fulfilment.restriction.sendLiftNotice(ctx, id, {
          reason: options.reason,
        });
        return [`${r.request.reference}: lift notice sent at ${r.sentAt}`];
      }),
    );

  common(
    fulfil.command('lift <requestId>').description('lift the restriction (only after the lift notice)'),
  ).action((id: string, options: Common) =>
    run(options, async (cli, ctx) => {
      const r = await cli.services.fulfilment.restriction.lift(ctx, id, {});
      return [`${r.request.reference}: restriction lifted at ${r.liftedAt}`];
    }),
  );

  common(
    fulfil
      .command('object <requestId>')
      .description('record the objection (direct marketing upheld at once, others pending assessment)'),
  )
    .option(
      '--objection-purpose <key>',
      'purpose objected to (repeat; default: those the request names, else all it may concern)',
      purposeList,
    )
    .action((id: string, options: Common & { objectionPurpose?: string[] }) =>
      run(options, async (cli, ctx) => {
        const r = await cli.services.fulfilment.objection.raise(ctx, id, {
          purposes: options.objectionPurpose,
        });
        return [
          `${r.request.reference} ${r.request.status}`,
          ...r.objections.map((o) => `${o.purpose}: ${o.outcome} (${o.objectionId})`),
        ];
      }),
    );

  common(
    fulfil
      .command('withdraw-consent <requestId>')
      .description('withdraw consent for the purposes asked, or every consent in force'),
  )
    .option('--consent-purpose <key>', 'purpose whose consent is withdrawn (repeat)', purposeList)
    .action((id: string, options: Common & { consentPurpose?: string[] }) =>
      run(options, async (cli, ctx) => {
        const r = await cli.services.fulfilment.consentWithdrawal.withdraw(ctx, id, {
          purposes: options.consentPurpose,
        });
        return [
          `${r.request.reference} ${r.request.status}: withdrawn ${r.withdrawn.join(', ') || 'nothing'}`,
          ...r.outcome,
        ];
      }),
    );
}
