import type { Generated } from 'kysely';

/** Tables of pipelines and deals (migration 0031_deals). Deals are business data; `deal_people` refers to people. */
export interface DealTables {
  pipelines: PipelineTable;
  pipeline_stages: PipelineStageTable;
  deals: DealTable;
  deal_people: DealPersonTable;
  deal_stage_history: DealStageHistoryTable;
}

/** A sales process: an ordered list of stages. */
export interface PipelineTable {
  id: string;
  workspace_id: string;
  name: string;
  /** 1 for the pipeline new deals go to when none is named (exactly one per workspace). */
  is_default: number;
  created_at: string;
  updated_at: string;
  /** +1 on every change of the pipeline or of its stages (If-Match covers both). */
  version: number;
}

/** One step of a pipeline. */
export interface PipelineStageTable {
  id: string;
  workspace_id: string;
  pipeline_id: string;
  name: string;
  /** 0-based order within the pipeline. */
  position: number;
  /** Chance of winning a deal in this stage, 0–100. */
  probability: number;
  /** `open`, `won` or `lost`: a deal's status follows its stage's kind. */
  kind: string;
  created_at: string;
  updated_at: string;
}

/** An opportunity moving through a pipeline. */
export interface DealTable {
  id: string;
  workspace_id: string;
  title: string;
  /** Lower-case title, for sorting and search. */
  title_key: string;
  /** Integer minor units of `currency` (cents for EUR). */
  amount: number;
  /** ISO 4217 code. */
  currency: string;
  /** `YYYY-MM-DD`, or null. */
  expected_close_date: string | null;
  owner_user_id: string | null;
  pipeline_id: string;
  stage_id: string;
  /** 0-based order within the stage, for the board. */
  position: number;
  organization_id: string | null;
  /** `open`, `won` or `lost` (the kind of its stage). */
  status: string;
  /** Why it was won or lost (free text, business data: never a person's details). */
  close_reason: string | null;
  /** When it entered a won or lost stage (ISO-8601 UTC); null while open. */
  closed_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

/** A person involved in a deal. A row about a person: erased (unlinked) with them, reassigned on merge. */
export interface DealPersonTable {
  workspace_id: string;
  deal_id: string;
  person_id: string;
  created_at: string;
}

/** A stage change of a deal (append-only). Stage names are copied so that history survives a removed stage. */
export interface DealStageHistoryTable {
  /** Insertion order: changes within the same instant keep their sequence. */
  id: Generated<number>;
  workspace_id: string;
  deal_id: string;
  /** Null when the deal was created. */
  from_stage_id: string | null;
  from_stage_name: string | null;
  to_stage_id: string;
  to_stage_name: string;
  actor_type: string;
  actor_id: string | null;
  changed_at: string;
}
