import { Alert, Collapse, Descriptions, Drawer, List, Space, Tag, Typography } from 'antd';
import { lazy, Suspense, useMemo, type ReactNode } from 'react';
import { useEvidenceList } from '../api/queries';
import type { AnyEvidence } from '../api/types';
import { maybeTranslate, useT, type Translate } from '../i18n';
import { countsOption, metricOption, type ChartLabels } from '../lib/charts';
import { baseName, percent, utc } from '../lib/format';
import { EvidenceChip } from './EvidenceChip';
import { ErrorState, Loading } from './States';
import { TracePath } from './TracePath';

const EChart = lazy(() => import('./charts/EChart'));

type Data = Record<string, unknown>;

const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

function chartLabels(t: Translate): ChartLabels {
  return {
    value: t('evidence.value'),
    anomaly: t('evidence.anomaly'),
    onset: t('evidence.onset'),
    baseline: t('evidence.baselineMedian'),
    count: t('evidence.linesPerMinute'),
  };
}

function Chart({ option, testId }: { option: Record<string, unknown> | null; testId: string }) {
  if (!option) return null;
  return (
    <Suspense fallback={<Loading />}>
      <EChart option={option} testId={testId} />
    </Suspense>
  );
}

function Counts({ data, t }: { data: Data; t: Translate }) {
  const before = num(data.count_baseline) ?? num(data.errors_baseline);
  const now = num(data.count_current) ?? num(data.errors_current);
  if (before === undefined && now === undefined) return null;
  return (
    <Typography.Paragraph data-testid="evidence-counts">
      {t('evidence.counts', { baseline: before ?? '–', current: now ?? '–' })}
    </Typography.Paragraph>
  );
}

function LogDetail({ item, t }: { item: AnyEvidence; t: Translate }) {
  const data = item.data as Data;
  const labels = chartLabels(t);
  const option = useMemo(
    () => countsOption(data.per_minute, item.onset ?? null, labels),
    [item, t],
  );
  const templates = Array.isArray(data.top_templates)
    ? (data.top_templates as { template?: string; count?: number }[])
    : [];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {str(data.template) && (
        <div>
          <Typography.Text strong>{t('evidence.template')}</Typography.Text>
          <pre className="code-block" data-testid="evidence-template">
            {str(data.template)}
          </pre>
        </div>
      )}
      {str(data.type) && (
        <Descriptions size="small" column={1} bordered>
          <Descriptions.Item label={t('evidence.exception')}>{str(data.type)}</Descriptions.Item>
          {str(data.message) && (
            <Descriptions.Item label={t('evidence.message')}>{str(data.message)}</Descriptions.Item>
          )}
          {str(data.location) && (
            <Descriptions.Item label={t('evidence.location')}>
              {str(data.location)}
            </Descriptions.Item>
          )}
        </Descriptions>
      )}
      <Counts data={data} t={t} />
      {num(data.share_current) !== undefined && (
        <Typography.Paragraph>
          {t('evidence.errorShare', {
            current: percent(num(data.share_current)),
            baseline: percent(num(data.share_baseline)),
          })}
        </Typography.Paragraph>
      )}
      {templates.length > 0 && (
        <List
          size="small"
          bordered
          header={<Typography.Text strong>{t('evidence.topTemplates')}</Typography.Text>}
          dataSource={templates}
          renderItem={(row) => (
            <List.Item extra={<Tag>{row.count ?? 0}×</Tag>}>
              <code className="wrap-code">{row.template}</code>
            </List.Item>
          )}
        />
      )}
      {option && (
        <div>
          <Typography.Text strong>{t('evidence.countsOverTime')}</Typography.Text>
          <Chart option={option} testId="evidence-counts-chart" />
        </div>
      )}
      {strings(data.frames).length > 0 && (
        <div>
          <Typography.Text strong>{t('evidence.frames')}</Typography.Text>
          <pre className="code-block" data-testid="evidence-frames">
            {strings(data.frames).join('\n')}
          </pre>
        </div>
      )}
      {str(data.example) && (
        <div>
          <Typography.Text strong>{t('evidence.example')}</Typography.Text>
          <pre className="code-block" data-testid="evidence-example">
            {str(data.example)}
          </pre>
        </div>
      )}
    </Space>
  );
}

function MetricDetail({ item, t }: { item: AnyEvidence; t: Translate }) {
  const data = item.data as Data;
  const option = useMemo(
    () => metricOption({ onset: item.onset ?? null, window: item.window, data }, chartLabels(t)),
    [item, t],
  );
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Chart option={option} testId="evidence-metric-chart" />
      <Descriptions size="small" column={2} bordered>
        <Descriptions.Item label={t('evidence.metric')}>{str(data.metric)}</Descriptions.Item>
        <Descriptions.Item label={t('evidence.direction')}>
          {maybeTranslate(t, 'direction', str(data.direction))}
        </Descriptions.Item>
        <Descriptions.Item label={t('evidence.baselineMedian')}>
          {num(data.baseline_median) ?? '–'}
        </Descriptions.Item>
        <Descriptions.Item label={t('evidence.peak')}>{num(data.peak) ?? '–'}</Descriptions.Item>
        <Descriptions.Item label="z">{num(data.z) ?? '–'}</Descriptions.Item>
        <Descriptions.Item label={t('evidence.instance')}>{str(data.instance)}</Descriptions.Item>
      </Descriptions>
    </Space>
  );
}

function TraceDetail({ item, t }: { item: AnyEvidence; t: Translate }) {
  const data = item.data as Data;
  const path = strings(data.path);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {path.length > 0 && (
        <div>
          <Typography.Text strong>{t('evidence.failingPath')}</Typography.Text>
          <TracePath path={path} failing={item.entity} />
        </div>
      )}
      <Descriptions size="small" column={2} bordered>
        {num(data.traces) !== undefined && (
          <Descriptions.Item label={t('evidence.traces')}>{num(data.traces)}</Descriptions.Item>
        )}
        {num(data.share) !== undefined && (
          <Descriptions.Item label={t('evidence.share')}>
            {percent(num(data.share))} ({t('evidence.baseline')} {percent(num(data.baseline_share))}
            )
          </Descriptions.Item>
        )}
        {str(data.operation) && (
          <Descriptions.Item label={t('evidence.operation')} span={2}>
            {str(data.operation)}
          </Descriptions.Item>
        )}
        {num(data.baseline_median_ms) !== undefined && (
          <Descriptions.Item label={t('evidence.medianMs')}>
            {num(data.baseline_median_ms)?.toFixed(1)} → {num(data.current_median_ms)?.toFixed(1)}
          </Descriptions.Item>
        )}
        {num(data.baseline_p90_ms) !== undefined && (
          <Descriptions.Item label={t('evidence.p90Ms')}>
            {num(data.baseline_p90_ms)?.toFixed(1)} → {num(data.current_p90_ms)?.toFixed(1)}
          </Descriptions.Item>
        )}
      </Descriptions>
    </Space>
  );
}

function RankDetail({
  item,
  t,
  onOpen,
}: {
  item: AnyEvidence;
  t: Translate;
  onOpen: (id: string) => void;
}) {
  const data = item.data as Data;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <List
        size="small"
        bordered
        header={<Typography.Text strong>{t('evidence.reasons')}</Typography.Text>}
        dataSource={strings(data.reasons)}
        renderItem={(reason) => <List.Item>{reason}</List.Item>}
      />
      {strings(data.evidence_ids).length > 0 && (
        <div>
          <Typography.Text strong>{t('evidence.basedOn')}</Typography.Text>
          <div className="chip-row">
            {strings(data.evidence_ids).map((id) => (
              <EvidenceChip key={id} id={id} onOpen={onOpen} />
            ))}
          </div>
        </div>
      )}
    </Space>
  );
}

function detailOf(item: AnyEvidence, t: Translate, onOpen: (id: string) => void): ReactNode {
  switch (item.kind) {
    case 'log_template':
    case 'log_exception':
    case 'log_error_rate':
      return <LogDetail item={item} t={t} />;
    case 'metric_anomaly':
    case 'metric_change_point':
      return <MetricDetail item={item} t={t} />;
    case 'trace_error':
    case 'trace_latency':
      return <TraceDetail item={item} t={t} />;
    case 'suspect_rank':
      return <RankDetail item={item} t={t} onOpen={onOpen} />;
    default:
      return null;
  }
}

export function EvidenceBody({
  item,
  onOpen,
}: {
  item: AnyEvidence;
  onOpen: (id: string) => void;
}) {
  const t = useT();
  const source = item.source;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="evidence-body">
      <Space wrap>
        <Tag color="blue">{maybeTranslate(t, 'evidenceKind', item.kind)}</Tag>
        <Tag>{item.entity}</Tag>
        <Tag>{t('evidence.score', { score: item.score.toFixed(2) })}</Tag>
      </Space>
      <Typography.Paragraph className="evidence-summary" data-testid="evidence-summary">
        {item.summary}
      </Typography.Paragraph>
      <Descriptions size="small" column={1} bordered>
        <Descriptions.Item label={t('evidence.onset')}>{utc(item.onset)}</Descriptions.Item>
        <Descriptions.Item label={t('evidence.window')}>
          {utc(item.window.start)} → {utc(item.window.end)}
        </Descriptions.Item>
        {item.related_entities && item.related_entities.length > 0 && (
          <Descriptions.Item label={t('evidence.related')}>
            {item.related_entities.join(', ')}
          </Descriptions.Item>
        )}
        {source && Boolean(source.path || source.query) && (
          <Descriptions.Item label={t('evidence.source')}>
            <span data-testid="evidence-source">
              {baseName(source.path)}
              {source.lines &&
                source.lines.length > 0 &&
                ` · ${t('evidence.lines')} ${source.lines.join(', ')}`}
              {source.query && ` · ${source.query}`}
            </span>
          </Descriptions.Item>
        )}
      </Descriptions>
      {detailOf(item, t, onOpen)}
      <Collapse
        size="small"
        items={[
          {
            key: 'raw',
            label: t('evidence.raw'),
            children: <pre className="code-block">{JSON.stringify(item.data, null, 2)}</pre>,
          },
        ]}
      />
    </Space>
  );
}

/** The evidence a citation names, in a side drawer. Items come from ``known`` (a report's
 * evidence) or the incident's stored evidence. */
export function EvidenceDrawer({
  incidentId,
  evidenceId,
  known,
  runFinished,
  onClose,
  onOpen,
}: {
  incidentId: string | undefined;
  evidenceId: string | null;
  known?: AnyEvidence[];
  runFinished: boolean;
  onClose: () => void;
  onOpen: (id: string) => void;
}) {
  const t = useT();
  const fromKnown = known?.find((e) => e.id === evidenceId);
  const stored = useEvidenceList(evidenceId && !fromKnown ? incidentId : undefined);
  const item = fromKnown ?? stored.data?.data.find((e) => e.id === evidenceId);
  let body: ReactNode;
  if (item) body = <EvidenceBody item={item} onOpen={onOpen} />;
  else if (stored.isError)
    body = <ErrorState error={stored.error} onRetry={() => void stored.refetch()} />;
  else if (stored.isPending && !fromKnown && incidentId) body = <Loading />;
  else
    body = (
      <Alert
        type="info"
        showIcon
        data-testid="evidence-missing"
        message={t('evidence.notStoredTitle', { id: evidenceId ?? '' })}
        description={runFinished ? t('evidence.notStoredDone') : t('evidence.notStoredYet')}
      />
    );
  return (
    <Drawer
      open={evidenceId !== null}
      onClose={onClose}
      width={Math.min(760, typeof window !== 'undefined' ? window.innerWidth - 24 : 760)}
      title={
        <span data-testid="evidence-drawer-title">
          {t('evidence.title')}: <code>{evidenceId}</code>
        </span>
      }
      data-testid="evidence-drawer"
      destroyOnHidden
    >
      {body}
    </Drawer>
  );
}
