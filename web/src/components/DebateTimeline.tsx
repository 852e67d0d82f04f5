import { Card, Divider, Space, Tag, Timeline, Tooltip, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { RunEvent, StruckClaim } from '../api/types';
import { maybeTranslate, useT, type Translate } from '../i18n';
import {
  agentStyle,
  chainOf,
  confidenceOf,
  groupByRound,
  hypothesesOf,
  objectionsOf,
  responsesOf,
  struckClaimsOf,
  struckKey,
  type CitationView,
  type HypothesisView,
} from '../lib/events';
import { timeOfDay } from '../lib/format';
import { EvidenceChip } from './EvidenceChip';
import { AgentTag, ConfidenceTag, FaultTag, RiskTag, StatusTag } from './Tags';

type Cite = (id: string) => void;
type Json = Record<string, unknown>;

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

function Citations({ citations, onCite }: { citations: CitationView[]; onCite: Cite }) {
  if (citations.length === 0) return null;
  return (
    <span className="chip-row">
      {citations.map((c, i) => (
        <EvidenceChip
          key={`${c.evidence_id}-${i}`}
          id={c.evidence_id}
          role={c.role}
          onOpen={onCite}
        />
      ))}
    </span>
  );
}

export function StruckText({ struck, t }: { struck: StruckClaim; t: Translate }) {
  return (
    <Space direction="vertical" size={2} className="struck-claim" data-testid="struck-claim">
      <del className="struck-text">{struck.text}</del>
      <Space wrap size={4}>
        <Tooltip title={struck.detail}>
          <Tag color="red" data-testid="struck-reason">
            {t('debate.struckBecause', {
              reason: maybeTranslate(t, 'struckReason', struck.reason),
            })}
          </Tag>
        </Tooltip>
        <Typography.Text type="secondary" className="struck-detail">
          {struck.detail}
        </Typography.Text>
      </Space>
    </Space>
  );
}

function Hypotheses({
  items,
  struck,
  onCite,
  t,
}: {
  items: HypothesisView[];
  struck: Map<string, StruckClaim>;
  onCite: Cite;
  t: Translate;
}) {
  return (
    <div className="hypotheses">
      {items.map((h, i) => (
        <div className="hypothesis" key={`${h.component}-${i}`} data-testid="hypothesis">
          <Space wrap size={4}>
            <Typography.Text strong>{h.component}</Typography.Text>
            <FaultTag fault={h.fault_type} />
            <ConfidenceTag value={h.confidence} />
            {h.code_location && <Tag>{h.code_location}</Tag>}
          </Space>
          {h.statement && (
            <Typography.Paragraph className="statement">{h.statement}</Typography.Paragraph>
          )}
          <ul className="claims">
            {h.claims.map((claim, j) => {
              const hit = struck.get(struckKey(h.component, claim.text));
              return (
                <li key={j} className={hit ? 'claim claim-struck' : 'claim'}>
                  {hit ? <StruckText struck={hit} t={t} /> : <span>{claim.text}</span>}{' '}
                  <Citations citations={claim.citations} onCite={onCite} />
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </div>
  );
}

function AgentDetails({
  output,
  struck,
  onCite,
  t,
}: {
  output: unknown;
  struck: Map<string, StruckClaim>;
  onCite: Cite;
  t: Translate;
}) {
  const parts: ReactNode[] = [];
  const data = (output ?? {}) as Json;
  if (str(data.exception_type)) {
    parts.push(
      <Typography.Paragraph key="exc" className="mono">
        {str(data.exception_type)}: {str(data.exception_message)}
      </Typography.Paragraph>,
    );
  }
  if (str(data.bounded_context) || str(data.aggregate_root)) {
    parts.push(
      <Typography.Paragraph key="domain" type="secondary">
        {t('debate.domainContext', {
          context: str(data.bounded_context) || '–',
          aggregate: str(data.aggregate_root) || '–',
        })}
      </Typography.Paragraph>,
    );
  }
  const hypotheses = hypothesesOf(output);
  if (hypotheses.length) {
    parts.push(<Hypotheses key="h" items={hypotheses} struck={struck} onCite={onCite} t={t} />);
  }
  const objections = objectionsOf(output);
  if (objections.length) {
    parts.push(
      <ul key="o" className="claims">
        {objections.map((o, i) => (
          <li key={i} data-testid="objection">
            <Space wrap size={4}>
              <Typography.Text strong>{o.target}</Typography.Text>
              <Tag color="volcano">{maybeTranslate(t, 'objection', o.kind)}</Tag>
              {o.severity && <Tag>{maybeTranslate(t, 'objectionSeverity', o.severity)}</Tag>}
            </Space>{' '}
            <span>{o.text}</span> <Citations citations={o.citations} onCite={onCite} />
          </li>
        ))}
      </ul>,
    );
  }
  const responses = responsesOf(output);
  if (responses.length) {
    parts.push(
      <ul key="r" className="claims">
        {responses.map((r, i) => (
          <li key={i} data-testid="response">
            <Space wrap size={4}>
              <Typography.Text strong>{r.target}</Typography.Text>
              <Tag color={r.conceded ? 'default' : 'green'}>
                {r.conceded ? t('debate.conceded') : t('debate.defended')}
              </Tag>
              <ConfidenceTag value={r.revised_confidence} />
            </Space>{' '}
            <span>{r.text}</span> <Citations citations={r.citations} onCite={onCite} />
          </li>
        ))}
      </ul>,
    );
  }
  const chain = chainOf(output);
  if (chain.length && !hypotheses.length) {
    parts.push(
      <ol key="c" className="claims">
        {chain.map((link, i) => (
          <li key={i}>
            <span>{link.statement}</span>{' '}
            <Citations
              citations={link.evidence_ids.map((id) => ({ evidence_id: id }))}
              onCite={onCite}
            />
          </li>
        ))}
      </ol>,
    );
  }
  return parts.length ? <div className="agent-details">{parts}</div> : null;
}

function stepText(payload: Json, t: Translate): string {
  const step = str(payload.step);
  if (step === 'ingest') {
    return t('debate.stepIngest', {
      files: Number(payload.files ?? 0),
      logs: Number(payload.logs ?? 0),
      series: Number(payload.metric_series ?? 0),
      spans: Number(payload.spans ?? 0),
    });
  }
  if (step === 'evidence')
    return t('debate.stepEvidence', { count: Number(payload.evidence ?? 0) });
  return step || JSON.stringify(payload).slice(0, 200);
}

function EventCard({
  event,
  struck,
  onCite,
  reportLink,
  t,
}: {
  event: RunEvent;
  struck: Map<string, StruckClaim>;
  onCite: Cite;
  reportLink?: string;
  t: Translate;
}) {
  const payload = event.payload as Json;
  const time = (
    <Typography.Text type="secondary" className="event-time">
      {timeOfDay(event.at)}
    </Typography.Text>
  );
  switch (event.type) {
    case 'agent_message': {
      const round = typeof payload.round === 'number' ? payload.round : null;
      return (
        <Card size="small" className="event-card" data-testid="event-agent" data-seq={event.seq}>
          <Space wrap size={4} className="event-head">
            <AgentTag role={event.role} />
            {round !== null && <Tag>{t('debate.roundN', { n: round })}</Tag>}
            <ConfidenceTag value={confidenceOf(payload.output)} />
            {str(payload.model) && <Tag bordered={false}>{str(payload.model)}</Tag>}
            {payload.degraded === true && (
              <Tooltip title={str(payload.degraded_reason)}>
                <Tag color="warning">{t('debate.degraded')}</Tag>
              </Tooltip>
            )}
            {time}
          </Space>
          <Typography.Paragraph className="event-summary">
            {str(payload.summary)}
          </Typography.Paragraph>
          <AgentDetails output={payload.output} struck={struck} onCite={onCite} t={t} />
        </Card>
      );
    }
    case 'claim_struck': {
      const claim = payload as unknown as StruckClaim;
      return (
        <Card
          size="small"
          className="event-card event-struck"
          data-testid="event-struck"
          data-seq={event.seq}
        >
          <Space wrap size={4} className="event-head">
            <AgentTag role={event.role} />
            <Tag color="red">{t('debate.claimStruck')}</Tag>
            <Typography.Text>{claim.component}</Typography.Text>
            {time}
          </Space>
          <StruckText struck={claim} t={t} />
          {claim.evidence_id && (
            <div>
              <EvidenceChip id={claim.evidence_id} onOpen={onCite} />
            </div>
          )}
        </Card>
      );
    }
    case 'human_intervention': {
      const kind = str(payload.kind);
      const stage = str(payload.stage);
      return (
        <Card
          size="small"
          className="event-card event-human"
          data-testid="event-human"
          data-seq={event.seq}
        >
          <Space wrap size={4} className="event-head">
            <AgentTag role="Human" />
            <Tag color="gold">{maybeTranslate(t, 'intervention', kind)}</Tag>
            {str(payload.component) && (
              <Typography.Text strong>{str(payload.component)}</Typography.Text>
            )}
            <Tag>
              {stage === 'applied'
                ? t('debate.appliedInRound', { n: Number(payload.round ?? 0) })
                : t('debate.received')}
            </Tag>
            {time}
          </Space>
          {str(payload.text) && <Typography.Paragraph>{str(payload.text)}</Typography.Paragraph>}
          <Typography.Text type="secondary">{str(payload.author)}</Typography.Text>
        </Card>
      );
    }
    case 'approval_request': {
      const inner = (payload.payload ?? {}) as Json;
      return (
        <Card size="small" className="event-card" data-testid="event-approval" data-seq={event.seq}>
          <Space wrap size={4} className="event-head">
            <Tag color="orange">{t('debate.approval')}</Tag>
            <Typography.Text strong>{str(payload.action)}</Typography.Text>
            {str(inner.risk) && <RiskTag risk={str(inner.risk)} />}
            <StatusTag status={str(payload.status) || 'pending'} />
            {time}
          </Space>
          {str(payload.reason) && (
            <Typography.Paragraph>{str(payload.reason)}</Typography.Paragraph>
          )}
          <Link to="/approvals">{t('debate.openApprovals')}</Link>
        </Card>
      );
    }
    case 'verdict': {
      return (
        <Card
          size="small"
          className="event-card event-verdict"
          data-testid="event-verdict"
          data-seq={event.seq}
          title={
            <Space wrap size={4}>
              <AgentTag role={event.role ?? 'JudgeAgent'} />
              {t('debate.verdict')}:{' '}
              <Typography.Text strong>{str(payload.component)}</Typography.Text>
              <ConfidenceTag
                value={typeof payload.confidence === 'number' ? payload.confidence : null}
              />
              {str(payload.risk_level) && <RiskTag risk={str(payload.risk_level)} />}
            </Space>
          }
          extra={
            reportLink && (
              <Link to={reportLink} data-testid="verdict-report-link">
                {t('debate.openReport')}
              </Link>
            )
          }
        >
          <Typography.Paragraph className="event-summary">
            {str(payload.root_cause)}
          </Typography.Paragraph>
        </Card>
      );
    }
    case 'step':
      return (
        <Typography.Text type="secondary" data-testid="event-step">
          {stepText(payload, t)} {time}
        </Typography.Text>
      );
    case 'status':
      return (
        <Space size={4} data-testid="event-status">
          <StatusTag status={str(payload.status)} />
          {payload.resumed === true && <Tag>{t('debate.resumed')}</Tag>}
          {str(payload.error) && (
            <Typography.Text type="danger">{str(payload.error)}</Typography.Text>
          )}
          {time}
        </Space>
      );
    default:
      return (
        <Typography.Text type="secondary">
          {event.type} {str(payload.name)} {time}
        </Typography.Text>
      );
  }
}

function roundTitle(round: number, events: RunEvent[], t: Translate): string {
  if (round < 0) return t('debate.preparation');
  if (round === 0) return t('debate.round0');
  const ruling = events.some(
    (e) => e.type === 'verdict' || agentStyle(e.role).name === 'JudgeAgent',
  );
  return ruling ? t('debate.roundRuling', { n: round }) : t('debate.roundN', { n: round });
}

/** The debate as a timeline: one section per round, one colour per agent; struck claims are
 * shown struck with the reason; every citation opens its evidence (``onCite``). */
export function DebateTimeline({
  events,
  onCite,
  reportLink,
}: {
  events: RunEvent[];
  onCite: Cite;
  reportLink?: string;
}) {
  const t = useT();
  const struck = new Map(struckClaimsOf(events).map((s) => [struckKey(s.component, s.text), s]));
  const groups = groupByRound(events);
  return (
    <div className="debate-timeline" data-testid="debate-timeline">
      {groups.map((group, index) => (
        <section key={`${group.round}-${index}`} data-testid="round" data-round={group.round}>
          <Divider orientation="left" className="round-divider">
            {roundTitle(group.round, group.events, t)}
          </Divider>
          <Timeline
            items={group.events.map((event) => ({
              key: event.seq,
              color: agentStyle(event.role).color,
              children: (
                <EventCard
                  event={event}
                  struck={struck}
                  onCite={onCite}
                  reportLink={reportLink}
                  t={t}
                />
              ),
            }))}
          />
        </section>
      ))}
    </div>
  );
}
