import type { components } from './schema';

type Schemas = components['schemas'];

export type Incident = Schemas['IncidentPublic'];
export type IncidentCreate = Schemas['IncidentCreate'];
export type Asset = Schemas['AssetPublic'];
export type Debate = Schemas['DebatePublic'];
export type RunEvent = Schemas['RunEventPublic'];
export type RunStatus = Schemas['RunStatus'];
export type Verdict = Schemas['Verdict'];
export type Evidence = Schemas['Evidence'];
export type EvidenceKind = Schemas['EvidenceKind'];
export type Approval = Schemas['Approval'];
export type ApiKey = Schemas['ApiKeyPublic'];
export type Stats = Schemas['StatsPublic'];
export type HistoryRow = Schemas['HistoryRow'];
export type ServerSettings = Schemas['SettingsPublic'];
export type StoredAlert = Schemas['StoredAlert'];
export type Severity = Schemas['Severity'];
export type InterventionCreate = Schemas['InterventionCreate'];
export type Intervention = Schemas['InterventionRecord'];
export type KeyRole = Schemas['KeyRole'];

export const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low'];

/** One evidence item as the report's JSON form carries it (``reports_get`` is untyped). */
export interface ReportEvidence {
  id: string;
  kind: EvidenceKind;
  entity: string;
  related_entities: string[];
  cited?: boolean;
  onset: string | null;
  window: { start: string; end: string };
  summary: string;
  score: number;
  source: { path: string; asset_id: string | null; lines: number[]; query: string };
  data: Record<string, unknown>;
}

export interface RankedSuspect {
  rank: number;
  component: string;
  score: number;
  fault_type: string;
  reasons: string[];
  evidence_ids: string[];
}

export interface StruckClaim {
  by: string;
  component: string;
  text: string;
  evidence_id: string;
  reason: 'unknown_evidence' | 'wrong_entity' | 'effect_before_cause' | 'uncited';
  detail: string;
}

export interface RoleUsage {
  role: string;
  model: string;
  requests: number;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  cost_usd: number;
  degraded: boolean;
  degraded_reason: string | null;
}

export interface DebateTurn {
  round: number;
  role: string;
  summary: string;
  payload: Record<string, unknown>;
}

/** The report's JSON form (``GET /api/v1/reports/{incident_id}``). */
export interface Report {
  verdict: Verdict;
  ranking: string[];
  suspects: RankedSuspect[];
  incident: {
    id: string;
    title: string;
    description: string;
    severity: Severity;
    alert_time: string;
    window: { start: string; end: string };
    metadata: Record<string, unknown>;
    created_at: string;
  };
  evidence: ReportEvidence[];
  debate: DebateTurn[];
  struck: StruckClaim[];
  usage: RoleUsage[];
  rounds: number;
  consensus: boolean;
  lang: string;
  run_id: string | null;
  generated_at: string;
}

/** An evidence item from either source (report JSON or the evidence route). */
export type AnyEvidence = ReportEvidence | Evidence;

/** The fused graph of an incident (contract: ``warroom.domain.graph``). */
export interface GraphNode {
  id: string;
  kind: string;
  name: string;
  attrs?: Record<string, unknown>;
}

export interface GraphEdge {
  src: string;
  dst: string;
  kind: string;
  attrs?: Record<string, unknown>;
}

export interface FusionGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** The suspect path: node ids, or a ``GraphPath`` (nodes and edges). */
  path?: string[] | { nodes: (GraphNode | string)[]; edges?: GraphEdge[] } | null;
  /** Where runtime evidence lands in the code (``warroom.domain.graph.CodeLink``). */
  links?: {
    evidence_id: string;
    frame: string;
    file?: string | null;
    line?: number | null;
    owners?: string[];
    suspect_commits?: string[];
    how?: string;
  }[];
  commits?: { sha: string; summary?: string; author?: string; authored_at?: string | null }[];
  similar_cases?: {
    case_id: string;
    title: string;
    score: number;
    root_cause?: string;
    component?: string;
    fix?: string;
  }[];
  placements?: {
    component: string;
    bounded_context?: string | null;
    aggregate_root?: string | null;
  }[];
}
