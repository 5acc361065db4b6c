import type { Db } from '../../db/database.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { EraserRegistry } from '../../kernel/erasure/person-erasers.ts';
import type { Gate } from '../../kernel/gate/create-gate.ts';
import type { PersonReassignerRegistry } from '../merge/person-reassigners.ts';
import { createOrganizationService, type OrganizationService } from '../organizations/organization-service.ts';
import type { TimelineSourceRegistry } from '../timeline/timeline-source.ts';
import { createDealService, type DealService } from './deal-service.ts';
import { dealPeopleEraser } from './deal-people-eraser.ts';
import { dealPeopleReassigner } from './deal-people-reassigner.ts';
import { dealStageTimeline } from './deal-stage-timeline.ts';
import { createPipelineService, type PipelineService } from './pipelines/pipeline-service.ts';

/** Organizations, pipelines and deals, as `AppServices` carries them. */
export interface DealsArea {
  readonly organizations: OrganizationService;
  readonly pipelines: PipelineService;
  readonly deals: DealService;
}

/**
 * Builds the organizations, pipelines and deals services and registers what deals add to the kernel and the CRM:
 * the `deal-people` eraser and merge reassigner, and the `deal-stages` timeline source.
 *
 * @example
 * const area = createDealsArea({ db, clock, gate, erasers: erasure.erasers, personReassigners, timelineSources });
 */
export function createDealsArea(deps: {
  readonly db: Db;
  readonly clock: Clock;
  readonly gate: Gate;
  readonly erasers: EraserRegistry;
  readonly personReassigners: PersonReassignerRegistry;
  readonly timelineSources: TimelineSourceRegistry;
}): DealsArea {
  const organizations = createOrganizationService(deps);
  const pipelines = createPipelineService(deps);
  const deals = createDealService({ ...deps, pipelines });
  deps.erasers.register(dealPeopleEraser);
  deps.personReassigners.register(dealPeopleReassigner);
  deps.timelineSources.register(dealStageTimeline);
  return { organizations, pipelines, deals };
}
