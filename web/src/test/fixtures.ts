import type { Report, RunEvent } from '../api/types';

const at = '2026-03-14T14:07:00Z';

export function event(
  seq: number,
  type: string,
  role: string | null,
  payload: Record<string, unknown>,
): RunEvent {
  return { run_id: 'run_1', seq, at, type, role, payload };
}

/** A short debate: ingest, a proposal with a struck claim, a critique, a rebuttal, the ruling. */
export const DEBATE: RunEvent[] = [
  event(0, 'status', null, { status: 'running', step: 'ingest' }),
  event(1, 'step', null, { step: 'ingest', files: 3, logs: 120, metric_series: 4, spans: 9 }),
  event(2, 'step', null, {
    step: 'evidence',
    evidence: 12,
    ranking: ['payment-service', 'order-service'],
  }),
  event(3, 'agent_message', 'LogAgent', {
    round: 0,
    model: 'offline',
    degraded: false,
    summary: 'suspects: payment-service, order-service',
    output: {
      confidence: 0.62,
      hypotheses: [
        {
          component: 'payment-service',
          fault_type: 'exception',
          statement: 'payment-service is the root cause',
          confidence: 0.62,
          claims: [
            {
              text: 'payment-service errors started first',
              citations: [{ evidence_id: 'log:err:payment-service', role: 'cause' }],
            },
            {
              text: 'the cache was slow',
              citations: [{ evidence_id: 'log:made:up', role: 'cause' }],
            },
          ],
        },
      ],
    },
  }),
  event(4, 'claim_struck', 'LogAgent', {
    by: 'LogAgent',
    component: 'payment-service',
    text: 'the cache was slow',
    evidence_id: 'log:made:up',
    reason: 'unknown_evidence',
    detail: "no evidence with id 'log:made:up' exists in this incident",
  }),
  event(5, 'agent_message', 'CriticAgent', {
    round: 1,
    model: 'offline',
    degraded: false,
    summary: '1 objection raised against order-service',
    output: {
      objections: [
        {
          target: 'order-service',
          kind: 'victim',
          text: 'order-service only calls payment-service',
          citations: [{ evidence_id: 'trace:err:order-service', role: 'support' }],
          severity: 'major',
        },
      ],
    },
  }),
  event(6, 'agent_message', 'RebuttalAgent', {
    round: 1,
    model: 'offline',
    degraded: true,
    degraded_reason: 'model timed out',
    summary: 'Conceded 1',
    output: {
      responses: [
        {
          target: 'order-service',
          text: 'Conceded',
          conceded: true,
          revised_confidence: 0.1,
          citations: [],
        },
      ],
    },
  }),
  event(7, 'agent_message', 'JudgeAgent', {
    round: 2,
    model: 'offline',
    degraded: false,
    summary: 'payment-service: code exception',
    output: {
      root_cause: 'payment-service: code exception',
      confidence: 0.7,
      evidence_chain: [{ statement: 'errors first', evidence_ids: ['log:err:payment-service'] }],
    },
  }),
  event(8, 'verdict', 'JudgeAgent', {
    root_cause: 'payment-service: code exception',
    component: 'payment-service',
    confidence: 0.7,
    risk_level: 'high',
  }),
  event(9, 'status', null, { status: 'succeeded' }),
];

export const REPORT: Report = {
  verdict: {
    root_cause: 'payment-service: code exception',
    evidence_chain: [
      { statement: 'payment-service changed first', evidence_ids: ['log:err:payment-service'] },
    ],
    fix_suggestion: 'Roll back payment-service',
    impact_analysis: 'Checkouts fail',
    risk_level: 'high',
    rollback_recommended: true,
    responsible_team: 'payments-team',
    confidence: 0.7,
    component: 'payment-service',
    fault_type: 'exception',
    code_location: 'PaymentServiceImpl#87',
    alternatives: [
      {
        component: 'order-service',
        fault_type: 'exception',
        confidence: 0.2,
        why_lost: 'only a caller',
      },
    ],
    degraded_roles: [],
  },
  ranking: ['payment-service', 'order-service'],
  suspects: [
    {
      rank: 1,
      component: 'payment-service',
      score: 50,
      fault_type: 'exception',
      reasons: ['errors'],
      evidence_ids: [],
    },
    {
      rank: 2,
      component: 'order-service',
      score: 10,
      fault_type: 'exception',
      reasons: ['caller'],
      evidence_ids: [],
    },
  ],
  incident: {
    id: 'inc_1',
    title: 'Checkout failing',
    description: '',
    severity: 'critical',
    alert_time: at,
    window: { start: '2026-03-14T13:47:00Z', end: '2026-03-14T14:17:00Z' },
    metadata: {},
    created_at: at,
  },
  evidence: [
    {
      id: 'log:err:payment-service',
      kind: 'log_error_rate',
      entity: 'payment-service',
      related_entities: [],
      cited: true,
      onset: '2026-03-14T14:04:11Z',
      window: { start: '2026-03-14T14:04:00Z', end: '2026-03-14T14:17:00Z' },
      summary: 'payment-service: error share 46%',
      score: 14.4,
      source: {
        path: '/tmp/run/payment-service.log',
        asset_id: null,
        lines: [642, 663],
        query: '',
      },
      data: {
        share_current: 0.46,
        share_baseline: 0.01,
        top_templates: [{ template: 'Charge failed for order=<*>', count: 42 }],
        example: 'Charge failed for order=ord-1',
        per_minute: { start: '2026-03-14T14:04:00+00:00', step_s: 60, counts: [1, 5, 3] },
      },
    },
    {
      id: 'trace:err:order-service',
      kind: 'trace_error',
      entity: 'order-service',
      related_entities: ['web-gateway'],
      cited: false,
      onset: '2026-03-14T14:06:58Z',
      window: { start: '2026-03-14T13:47:00Z', end: '2026-03-14T14:17:00Z' },
      summary: '12 failing traces fail deepest in order-service',
      score: 4.2,
      source: { path: '/tmp/run/traces.json', asset_id: null, lines: [], query: '' },
      data: { path: ['web-gateway', 'order-service'], traces: 12, share: 0.39, baseline_share: 0 },
    },
    {
      id: 'metric:payment-service:latency',
      kind: 'metric_change_point',
      entity: 'payment-service',
      related_entities: [],
      cited: false,
      onset: '2026-03-14T14:05:45Z',
      window: { start: '2026-03-14T13:47:00Z', end: '2026-03-14T14:17:00Z' },
      summary: 'latency rose',
      score: 6.9,
      source: { path: '/tmp/run/metrics.csv', asset_id: null, lines: [], query: 'latency' },
      data: {
        metric: 'latency',
        direction: 'up',
        baseline_median: 139,
        peak: 30004,
        z: 19.9,
        points: [
          [1773496020, 90],
          [1773496345, 30004],
        ],
      },
    },
  ],
  debate: [],
  struck: [
    {
      by: 'LogAgent',
      component: 'payment-service',
      text: 'the cache was slow',
      evidence_id: 'log:made:up',
      reason: 'unknown_evidence',
      detail: 'no such evidence',
    },
  ],
  usage: [],
  rounds: 1,
  consensus: true,
  lang: 'en',
  run_id: 'run_1',
  generated_at: at,
};
