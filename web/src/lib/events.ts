import type { RunEvent, StruckClaim } from '../api/types';

/** Events merged by sequence number: each seq once, in order (later copies are dropped). */
export function mergeEvents(
  current: readonly RunEvent[],
  incoming: readonly RunEvent[],
): RunEvent[] {
  if (incoming.length === 0) return current as RunEvent[];
  const bySeq = new Map<number, RunEvent>();
  for (const event of current) bySeq.set(event.seq, event);
  for (const event of incoming) if (!bySeq.has(event.seq)) bySeq.set(event.seq, event);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** The ``after`` to resume from: the last sequence number seen, or -1. */
export function lastSeq(events: readonly RunEvent[]): number {
  return events.length ? Math.max(...events.map((e) => e.seq)) : -1;
}

export interface AgentStyle {
  /** Display name, as the debate names the role. */
  name: string;
  /** Ant Design tag colour and a matching solid colour (timeline dot, chart). */
  tag: string;
  color: string;
}

const AGENTS: Record<string, AgentStyle> = {
  LogAgent: { name: 'LogAgent', tag: 'blue', color: '#1677ff' },
  DomainAgent: { name: 'DomainAgent', tag: 'cyan', color: '#08979c' },
  CodeAgent: { name: 'CodeAgent', tag: 'geekblue', color: '#2f54eb' },
  CriticAgent: { name: 'CriticAgent', tag: 'red', color: '#cf1322' },
  RebuttalAgent: { name: 'RebuttalAgent', tag: 'green', color: '#389e0d' },
  JudgeAgent: { name: 'JudgeAgent', tag: 'purple', color: '#722ed1' },
  Human: { name: 'Human', tag: 'gold', color: '#d48806' },
};

const SHORT: Record<string, string> = {
  log: 'LogAgent',
  domain: 'DomainAgent',
  code: 'CodeAgent',
  critic: 'CriticAgent',
  rebuttal: 'RebuttalAgent',
  judge: 'JudgeAgent',
  human: 'Human',
};

const SYSTEM: AgentStyle = { name: 'system', tag: 'default', color: '#8c8c8c' };

/** The colour and name of a role ("LogAgent", "log", "Human"); unknown roles are grey. */
export function agentStyle(role: string | null | undefined): AgentStyle {
  if (!role) return SYSTEM;
  const known = AGENTS[role] ?? AGENTS[SHORT[role.toLowerCase()] ?? ''];
  return known ?? { name: role, tag: 'default', color: '#595959' };
}

export interface CitationView {
  evidence_id: string;
  role?: string;
}

export interface ClaimView {
  text: string;
  citations: CitationView[];
}

export interface HypothesisView {
  component: string;
  fault_type?: string;
  statement: string;
  confidence?: number;
  claims: ClaimView[];
  code_location?: string | null;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

const asNumber = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

const asString = (value: unknown): string => (typeof value === 'string' ? value : '');

export function citationsOf(value: unknown): CitationView[] {
  return asArray(value).flatMap((item) => {
    if (typeof item === 'string') return [{ evidence_id: item }];
    if (isObject(item) && typeof item.evidence_id === 'string') {
      return [{ evidence_id: item.evidence_id, role: asString(item.role) || undefined }];
    }
    return [];
  });
}

export function claimsOf(value: unknown): ClaimView[] {
  return asArray(value).flatMap((item) =>
    isObject(item) ? [{ text: asString(item.text), citations: citationsOf(item.citations) }] : [],
  );
}

export function hypothesesOf(output: unknown): HypothesisView[] {
  if (!isObject(output)) return [];
  return asArray(output.hypotheses).flatMap((item) =>
    isObject(item)
      ? [
          {
            component: asString(item.component),
            fault_type: asString(item.fault_type) || undefined,
            statement: asString(item.statement),
            confidence: asNumber(item.confidence),
            claims: claimsOf(item.claims),
            code_location: typeof item.code_location === 'string' ? item.code_location : null,
          },
        ]
      : [],
  );
}

/** The confidence an agent turn states: its own, else its best hypothesis' or response's. */
export function confidenceOf(output: unknown): number | undefined {
  if (!isObject(output)) return undefined;
  const own = asNumber(output.confidence);
  if (own !== undefined) return own;
  const candidates = [
    ...hypothesesOf(output).map((h) => h.confidence),
    ...asArray(output.responses).map((r) =>
      isObject(r) ? asNumber(r.revised_confidence) : undefined,
    ),
  ].filter((c): c is number => c !== undefined);
  return candidates.length ? Math.max(...candidates) : undefined;
}

export interface ObjectionView {
  target: string;
  kind: string;
  text: string;
  severity: string;
  citations: CitationView[];
}

export function objectionsOf(output: unknown): ObjectionView[] {
  if (!isObject(output)) return [];
  return asArray(output.objections).flatMap((item) =>
    isObject(item)
      ? [
          {
            target: asString(item.target),
            kind: asString(item.kind),
            text: asString(item.text),
            severity: asString(item.severity),
            citations: citationsOf(item.citations),
          },
        ]
      : [],
  );
}

export interface ResponseView {
  target: string;
  text: string;
  conceded: boolean;
  revised_confidence?: number;
  citations: CitationView[];
}

export function responsesOf(output: unknown): ResponseView[] {
  if (!isObject(output)) return [];
  return asArray(output.responses).flatMap((item) =>
    isObject(item)
      ? [
          {
            target: asString(item.target),
            text: asString(item.text),
            conceded: item.conceded === true,
            revised_confidence: asNumber(item.revised_confidence),
            citations: citationsOf(item.citations),
          },
        ]
      : [],
  );
}

export interface ChainLinkView {
  statement: string;
  evidence_ids: string[];
}

/** A verdict's or a code analyst's evidence chain, as statements with evidence ids. */
export function chainOf(output: unknown): ChainLinkView[] {
  if (!isObject(output)) return [];
  return asArray(output.evidence_chain).flatMap((item) => {
    if (!isObject(item)) return [];
    if (Array.isArray(item.evidence_ids)) {
      return [
        {
          statement: asString(item.statement),
          evidence_ids: item.evidence_ids.filter((i): i is string => typeof i === 'string'),
        },
      ];
    }
    return [
      {
        statement: asString(item.text),
        evidence_ids: citationsOf(item.citations).map((c) => c.evidence_id),
      },
    ];
  });
}

/** The key a struck claim and the claim it struck share. */
export function struckKey(component: string, text: string): string {
  return `${component}\u0000${text.trim()}`;
}

export function struckClaimsOf(events: readonly RunEvent[]): StruckClaim[] {
  return events
    .filter((e) => e.type === 'claim_struck')
    .map((e) => e.payload as unknown as StruckClaim);
}

/** Every component the debate has named so far (hypotheses, objections, the ranking). */
export function componentsOf(events: readonly RunEvent[]): string[] {
  const seen = new Set<string>();
  for (const event of events) {
    const payload = event.payload;
    if (event.type === 'step' && Array.isArray(payload.ranking)) {
      for (const c of payload.ranking) if (typeof c === 'string') seen.add(c);
    }
    if (event.type === 'agent_message') {
      for (const h of hypothesesOf(payload.output)) if (h.component) seen.add(h.component);
    }
  }
  return [...seen];
}

/** Every evidence id cited so far, in first-cited order. */
export function citedIdsOf(events: readonly RunEvent[]): string[] {
  const seen = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (isObject(value)) {
      if (typeof value.evidence_id === 'string') seen.add(value.evidence_id);
      if (Array.isArray(value.evidence_ids)) {
        for (const id of value.evidence_ids) if (typeof id === 'string') seen.add(id);
      }
      Object.values(value).forEach(visit);
    }
  };
  for (const event of events) if (event.type === 'agent_message') visit(event.payload.output);
  return [...seen];
}

export const TIMELINE_TYPES = new Set([
  'status',
  'step',
  'agent_message',
  'claim_struck',
  'human_intervention',
  'approval_request',
  'verdict',
  'tool_call',
  'tool_result',
]);

/** Events grouped by debate round, in order; events without a round join the current one
 * (the preparation before round 0 is round -1). */
export function groupByRound(events: readonly RunEvent[]): { round: number; events: RunEvent[] }[] {
  const groups: { round: number; events: RunEvent[] }[] = [];
  let current = -1;
  for (const event of events) {
    if (!TIMELINE_TYPES.has(event.type)) continue;
    const stated = asNumber(event.payload.round);
    if (stated !== undefined && event.type !== 'human_intervention') current = stated;
    const last = groups[groups.length - 1];
    if (last && last.round === current) last.events.push(event);
    else groups.push({ round: current, events: [event] });
  }
  return groups;
}
