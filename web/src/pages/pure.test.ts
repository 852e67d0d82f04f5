import { describe, expect, it } from 'vitest';
import type { Debate, HistoryRow, StoredAlert } from '../api/types';
import { filterRows } from './HistoryPage';
import { defaultStep } from './IncidentPage';
import { parseUtc, webhookIncidents } from './NewIncidentPage';

describe('parseUtc', () => {
  it('reads a time without zone as UTC, and keeps a zone when given', () => {
    expect(parseUtc('2026-03-14 14:07:00')).toBe('2026-03-14T14:07:00.000Z');
    expect(parseUtc('2026-03-14T14:07')).toBe('2026-03-14T14:07:00.000Z');
    expect(parseUtc('2026-03-14T22:07:00+08:00')).toBe('2026-03-14T14:07:00.000Z');
    expect(parseUtc('yesterday')).toBeNull();
    expect(parseUtc('  ')).toBeNull();
  });
});

describe('webhookIncidents', () => {
  it('keeps one alert per incident, and only alerts that opened one', () => {
    const alert = (id: string, incident: string | null) =>
      ({ id, incident_id: incident }) as StoredAlert;
    const rows = webhookIncidents([
      alert('a1', 'inc_1'),
      alert('a2', 'inc_1'),
      alert('a3', null),
      alert('a4', 'inc_2'),
    ]);
    expect(rows.map((r) => r.id)).toEqual(['a1', 'a4']);
  });
});

describe('defaultStep', () => {
  const run = (status: string) => ({ status }) as Debate;
  it('follows a running debate, else shows the report, else the debate, else the assets', () => {
    expect(defaultStep(true, [run('running'), run('succeeded')])).toBe('debate');
    expect(defaultStep(true, [run('succeeded')])).toBe('report');
    expect(defaultStep(false, [run('failed')])).toBe('debate');
    expect(defaultStep(false, [])).toBe('assets');
  });
});

describe('filterRows', () => {
  const row = (id: string, component: string | null) =>
    ({
      incident: { id },
      latest_run: null,
      verdict: component ? { component, root_cause: `${component} leaked connections` } : null,
    }) as unknown as HistoryRow;
  const rows = [row('a', 'payment-service'), row('b', null), row('c', 'order-service')];
  it('filters the page by verdict presence and by component or cause', () => {
    expect(filterRows(rows, 'all', '').map((r) => r.incident.id)).toEqual(['a', 'b', 'c']);
    expect(filterRows(rows, 'with', '').map((r) => r.incident.id)).toEqual(['a', 'c']);
    expect(filterRows(rows, 'without', '').map((r) => r.incident.id)).toEqual(['b']);
    expect(filterRows(rows, 'all', 'PAYMENT').map((r) => r.incident.id)).toEqual(['a']);
    expect(filterRows(rows, 'all', 'leaked').map((r) => r.incident.id)).toEqual(['a', 'c']);
  });
});
