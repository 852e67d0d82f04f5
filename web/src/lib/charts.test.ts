import { describe, expect, it } from 'vitest';
import { REPORT } from '../test/fixtures';
import { countsOption, metricOption, metricPoints } from './charts';

const labels = {
  value: 'value',
  anomaly: 'anomaly',
  onset: 'onset',
  baseline: 'baseline',
  count: 'lines',
};

type Series = {
  data: unknown[];
  markArea?: { data: [{ xAxis: number }, { xAxis: number }][] };
  markLine?: { data: Record<string, unknown>[] };
};

describe('metricOption', () => {
  const metric = REPORT.evidence[2]!;

  it('plots the points in milliseconds', () => {
    expect(metricPoints(metric.data.points)).toEqual([
      [1773496020000, 90],
      [1773496345000, 30004],
    ]);
    expect(metricPoints('nonsense')).toEqual([]);
  });

  it('marks the anomaly from the onset to the end of the window, and the baseline', () => {
    const option = metricOption(metric, labels) as { series: Series[] };
    const [series] = option.series;
    const [[from, to]] = series!.markArea!.data as [[{ xAxis: number }, { xAxis: number }]];
    expect(from.xAxis).toBe(Date.parse('2026-03-14T14:05:45Z'));
    expect(to.xAxis).toBe(Date.parse('2026-03-14T14:17:00Z'));
    expect(series!.markLine!.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ xAxis: from.xAxis }),
        expect.objectContaining({ yAxis: 139 }),
      ]),
    );
  });

  it('marks nothing without an onset', () => {
    const option = metricOption({ ...metric, onset: null }, labels) as { series: Series[] };
    expect(option.series[0]!.markArea).toBeUndefined();
  });
});

describe('countsOption', () => {
  it('turns per-minute counts into bars, red from the onset on', () => {
    const option = countsOption(
      { start: '2026-03-14T14:04:00+00:00', step_s: 60, counts: [1, 5, 3] },
      '2026-03-14T14:05:30Z',
      labels,
    ) as { series: { data: { value: [number, number]; itemStyle: { color: string } }[] }[] };
    const bars = option.series[0]!.data;
    expect(bars.map((b) => b.value[1])).toEqual([1, 5, 3]);
    expect(bars.map((b) => b.itemStyle.color)).toEqual(['#8c8c8c', '#cf1322', '#cf1322']);
  });

  it('is null for data it cannot read', () => {
    expect(countsOption(undefined, null, labels)).toBeNull();
    expect(countsOption({ start: 'yesterday', step_s: 60, counts: [] }, null, labels)).toBeNull();
  });
});
