import { describe, expect, it } from 'vitest';
import { DEBATE, event } from '../test/fixtures';
import {
  agentStyle,
  citedIdsOf,
  componentsOf,
  confidenceOf,
  groupByRound,
  lastSeq,
  mergeEvents,
  struckClaimsOf,
} from './events';

describe('mergeEvents', () => {
  it('keeps each seq once, in order, whatever order and repeats arrive in', () => {
    const a = [event(0, 'status', null, {}), event(2, 'step', null, {})];
    const b = [
      event(2, 'step', null, { late: true }),
      event(1, 'step', null, {}),
      event(3, 'verdict', 'JudgeAgent', {}),
    ];
    const merged = mergeEvents(a, b);
    expect(merged.map((e) => e.seq)).toEqual([0, 1, 2, 3]);
    expect(merged[2]?.payload).toEqual({});
  });

  it('resumes after the last seq seen, -1 when none', () => {
    expect(lastSeq([])).toBe(-1);
    expect(lastSeq(DEBATE)).toBe(9);
  });
});

describe('groupByRound', () => {
  it('puts preparation first, then each round, the judge in the last', () => {
    const groups = groupByRound(DEBATE);
    expect(groups.map((g) => g.round)).toEqual([-1, 0, 1, 2]);
    expect(groups[1]?.events.map((e) => e.type)).toEqual(['agent_message', 'claim_struck']);
    expect(groups[3]?.events.map((e) => e.type)).toEqual(['agent_message', 'verdict', 'status']);
  });

  it('leaves model usage out of the timeline', () => {
    const groups = groupByRound([...DEBATE, event(10, 'model_usage', 'log', { requests: 1 })]);
    expect(groups.flatMap((g) => g.events).some((e) => e.type === 'model_usage')).toBe(false);
  });
});

describe('agent turns', () => {
  it('gives every agent its own colour, and names short roles like the debate', () => {
    const names = [
      'LogAgent',
      'DomainAgent',
      'CodeAgent',
      'CriticAgent',
      'RebuttalAgent',
      'JudgeAgent',
      'Human',
    ];
    const colours = new Set(names.map((n) => agentStyle(n).color));
    expect(colours.size).toBe(names.length);
    expect(agentStyle('judge')).toEqual(agentStyle('JudgeAgent'));
    expect(agentStyle(null).name).toBe('system');
  });

  it('reads the stated confidence, else the best hypothesis or revised confidence', () => {
    expect(confidenceOf({ confidence: 0.4, hypotheses: [{ confidence: 0.9 }] })).toBe(0.4);
    expect(confidenceOf({ hypotheses: [{ confidence: 0.3 }, { confidence: 0.8 }] })).toBe(0.8);
    expect(confidenceOf({ responses: [{ revised_confidence: 0.25 }] })).toBe(0.25);
    expect(confidenceOf({ objections: [] })).toBeUndefined();
    expect(confidenceOf('not an object')).toBeUndefined();
  });

  it('collects struck claims, named components and cited evidence', () => {
    expect(struckClaimsOf(DEBATE).map((s) => s.reason)).toEqual(['unknown_evidence']);
    expect(componentsOf(DEBATE)).toEqual(['payment-service', 'order-service']);
    expect(citedIdsOf(DEBATE)).toEqual([
      'log:err:payment-service',
      'log:made:up',
      'trace:err:order-service',
    ]);
  });
});
