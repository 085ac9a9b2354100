import type { Generated } from 'kysely';

/** Tables of the planning part of the store (capacity map, needs assessments, situations). */
export interface PlanningSchema {
  capacity_actors: CapacityActorsTable;
  capacity_entries: CapacityEntriesTable;
  capacity_links: CapacityLinksTable;
  needs_assessments: NeedsAssessmentsTable;
  situation_overrides: SituationOverridesTable;
  stage_overrides: StageOverridesTable;
}

/**
 * An actor of the capacity map. `illustrative` 1: an example, never a real commitment.
 * `imported_from` names the file it came from; `imported_at` is an ISO timestamp.
 */
export interface CapacityActorsTable {
  id: string;
  name: string;
  kind: string;
  illustrative: number;
  organisation: string | null;
  tlp: string;
  imported_from: string;
  imported_at: string;
}

/** One capacity of an actor: a toolkit measure it can deliver within a scope. */
export interface CapacityEntriesTable {
  id: Generated<number>;
  actor_id: string;
  measure_id: string;
  /** `world`, a region id, or ISO3 codes separated by `;`. */
  scope: string;
  current_use: string;
  prevention_use: string;
  commitment: string;
}

/** A coordination link between two actors (stored in the direction the file gives). */
export interface CapacityLinksTable {
  actor_id: string;
  linked_actor_id: string;
}

/** One version of a country's needs assessment; `document` is the JSON of the five parts. */
export interface NeedsAssessmentsTable {
  id: Generated<number>;
  country_id: string;
  version: number;
  as_of: string;
  document: string;
  note: string;
  created_by: string;
  created_at: string;
  organisation: string | null;
  tlp: string;
}

/** An analyst's judgement of a country's situation; `withdrawn_at` set when it no longer holds. */
export interface SituationOverridesTable {
  id: Generated<number>;
  country_id: string;
  situation: string;
  reason: string;
  source: string;
  created_by: string;
  created_at: string;
  effective_from: string;
  withdrawn_at: string | null;
  organisation: string | null;
  tlp: string;
}

/** An analyst's judgement of a country's escalation stage (actors joined by newlines). */
export interface StageOverridesTable {
  id: Generated<number>;
  country_id: string;
  stage: string;
  reason: string;
  source: string;
  perpetrators: string;
  at_risk: string;
  created_by: string;
  created_at: string;
  effective_from: string;
  withdrawn_at: string | null;
  organisation: string | null;
  tlp: string;
}
