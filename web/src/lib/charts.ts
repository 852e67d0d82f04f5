/** ECharts options for evidence (pure functions: unit-tested without a canvas). */

export interface ChartLabels {
  value: string;
  anomaly: string;
  onset: string;
  baseline: string;
  count: string;
}

type Point = [number, number];

/** ``data.points`` as ``[epoch_ms, value]`` pairs (the engine stores epoch seconds). */
export function metricPoints(points: unknown): Point[] {
  if (!Array.isArray(points)) return [];
  return points.flatMap((p) =>
    Array.isArray(p) && typeof p[0] === 'number' && typeof p[1] === 'number'
      ? [[p[0] * 1000, p[1]] as Point]
      : [],
  );
}

const ms = (iso: string | null | undefined): number | null => {
  if (!iso) return null;
  const value = Date.parse(iso);
  return Number.isNaN(value) ? null : value;
};

const TIME_AXIS = {
  type: 'time' as const,
  axisLabel: {
    formatter: (value: number) => new Date(value).toISOString().slice(11, 16),
  },
};

/** A metric series with the anomaly marked: a shaded band from the onset to the window's end,
 * a line at the onset, and the baseline median. */
export function metricOption(
  evidence: { onset: string | null; window: { end: string }; data: Record<string, unknown> },
  labels: ChartLabels,
): Record<string, unknown> {
  const points = metricPoints(evidence.data.points);
  const onset = ms(evidence.onset);
  const last = points.length ? points[points.length - 1]![0] : null;
  const end = Math.max(ms(evidence.window.end) ?? 0, last ?? 0) || null;
  const baseline =
    typeof evidence.data.baseline_median === 'number' ? evidence.data.baseline_median : null;
  const markLines: Record<string, unknown>[] = [];
  if (onset !== null) {
    markLines.push({
      xAxis: onset,
      name: labels.onset,
      label: { formatter: labels.onset, position: 'end' },
    });
  }
  if (baseline !== null) {
    markLines.push({
      yAxis: baseline,
      name: labels.baseline,
      label: { formatter: labels.baseline, position: 'insideStartTop' },
    });
  }
  return {
    animation: false,
    grid: { left: 56, right: 24, top: 28, bottom: 32 },
    tooltip: { trigger: 'axis' },
    xAxis: TIME_AXIS,
    yAxis: { type: 'value', scale: true, name: String(evidence.data.metric ?? labels.value) },
    series: [
      {
        type: 'line',
        name: String(evidence.data.metric ?? labels.value),
        showSymbol: points.length < 60,
        data: points,
        lineStyle: { width: 2 },
        markLine: markLines.length
          ? { symbol: 'none', lineStyle: { type: 'dashed' }, data: markLines }
          : undefined,
        markArea:
          onset !== null && end !== null
            ? {
                itemStyle: { color: 'rgba(207, 19, 34, 0.12)' },
                label: { formatter: labels.anomaly, color: '#cf1322' },
                data: [[{ xAxis: onset, name: labels.anomaly }, { xAxis: end }]],
              }
            : undefined,
      },
    ],
  };
}

/** A per-minute count series (``data.per_minute``: start, step_s, counts) as bars, the bars
 * from the onset on in red. */
export function countsOption(
  perMinute: unknown,
  onsetIso: string | null,
  labels: ChartLabels,
): Record<string, unknown> | null {
  if (!perMinute || typeof perMinute !== 'object') return null;
  const {
    start,
    step_s: step,
    counts,
  } = perMinute as {
    start?: unknown;
    step_s?: unknown;
    counts?: unknown;
  };
  const begin = typeof start === 'string' ? Date.parse(start) : NaN;
  if (Number.isNaN(begin) || typeof step !== 'number' || !Array.isArray(counts)) return null;
  const onset = ms(onsetIso);
  const data = counts.map((c, i) => {
    const at = begin + i * step * 1000;
    const late = onset !== null && at + step * 1000 > onset;
    return {
      value: [at, typeof c === 'number' ? c : 0],
      itemStyle: { color: late ? '#cf1322' : '#8c8c8c' },
    };
  });
  return {
    animation: false,
    grid: { left: 48, right: 16, top: 24, bottom: 32 },
    tooltip: { trigger: 'axis' },
    xAxis: TIME_AXIS,
    yAxis: { type: 'value', name: labels.count, minInterval: 1 },
    series: [{ type: 'bar', name: labels.count, data, barMaxWidth: 18 }],
  };
}
