import { ApartmentOutlined, PlayCircleOutlined, UploadOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  InputNumber,
  Row,
  Segmented,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import type { UploadFile } from 'antd/es/upload/interface';
import { useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import {
  isFinished,
  useAssets,
  useIncident,
  useIncidentRuns,
  useReport,
  useStartDebate,
  useUploadAssets,
  type AssetState,
} from '../api/queries';
import type { Debate, Incident } from '../api/types';
import { DebateView } from '../components/DebateView';
import { EmptyState, ErrorState, errorText, Loading, QueryView } from '../components/States';
import { SeverityTag, StatusTag } from '../components/Tags';
import { maybeTranslate, useT } from '../i18n';
import { bytes, utc } from '../lib/format';
import { allows, useAuth } from '../state/auth';
import { usePrefs } from '../state/prefs';
import { ReportSection } from './ReportPage';
import { IncidentSteps, STEP_ORDER, type StepKey } from './incidentSteps';

function IncidentDetails({ incident }: { incident: Incident }) {
  const t = useT();
  return (
    <Descriptions
      size="small"
      column={{ xs: 1, md: 2, xl: 4 }}
      bordered
      data-testid="incident-details"
    >
      <Descriptions.Item label={t('incident.severity')}>
        <SeverityTag severity={incident.severity} />
      </Descriptions.Item>
      <Descriptions.Item label={t('incident.alertTime')}>
        {utc(incident.alert_time)}
      </Descriptions.Item>
      <Descriptions.Item label={t('incident.window')}>
        {utc(incident.window_start)} → {utc(incident.window_end)}
      </Descriptions.Item>
      <Descriptions.Item label={t('incident.created')}>
        {utc(incident.created_at)}
      </Descriptions.Item>
      {incident.description ? (
        <Descriptions.Item label={t('incident.description')} span={4}>
          {incident.description}
        </Descriptions.Item>
      ) : null}
    </Descriptions>
  );
}

function AssetsStep({
  incident,
  onStarted,
}: {
  incident: Incident;
  onStarted: (runId: string) => void;
}) {
  const t = useT();
  const { message } = App.useApp();
  const role = useAuth((state) => state.session?.role ?? null);
  const lang = usePrefs((state) => state.lang);
  const assets = useAssets(incident.id);
  const upload = useUploadAssets(incident.id);
  const start = useStartDebate();
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [state, setState] = useState<AssetState>('runtime');
  const [debateLang, setDebateLang] = useState<'en' | 'zh'>(lang);
  const [rounds, setRounds] = useState<number | null>(null);
  const canWrite = allows(role, 'responder');
  const runtimeCount = assets.data?.data.filter((a) => a.state === 'runtime').length ?? 0;

  const send = async () => {
    const chosen = files.flatMap((f) => (f.originFileObj ? [f.originFileObj as File] : []));
    if (!chosen.length) return;
    try {
      const stored = await upload.mutateAsync({ files: chosen, state });
      void message.success(t('assets.uploaded', { n: stored }));
      setFiles([]);
    } catch (error) {
      void message.error(errorText(error));
    }
  };

  const begin = async () => {
    try {
      const started = await start.mutateAsync({
        incident_id: incident.id,
        lang: debateLang,
        rounds,
      });
      onStarted(started.id);
    } catch (error) {
      void message.error(errorText(error));
    }
  };

  return (
    <Row gutter={[24, 24]}>
      <Col xs={24} xl={15}>
        <Card title={t('assets.title')} data-testid="assets-card">
          <QueryView query={assets}>
            {(data) =>
              data.data.length === 0 ? (
                <EmptyState title={t('assets.none')} description={t('assets.noneHelp')} />
              ) : (
                <Table
                  size="small"
                  rowKey="id"
                  pagination={data.data.length > 20 ? { pageSize: 20 } : false}
                  dataSource={data.data}
                  data-testid="assets-table"
                  columns={[
                    { title: t('assets.name'), dataIndex: 'name' },
                    {
                      title: t('assets.state'),
                      dataIndex: 'state',
                      render: (s: string) => <Tag>{maybeTranslate(t, 'assetState', s)}</Tag>,
                    },
                    {
                      title: t('assets.kind'),
                      dataIndex: 'kind',
                      render: (k: string) => (
                        <Tag color="blue">{maybeTranslate(t, 'assetKind', k)}</Tag>
                      ),
                    },
                    { title: t('assets.size'), dataIndex: 'size', render: (s: number) => bytes(s) },
                    {
                      title: t('assets.uploadedAt'),
                      dataIndex: 'created_at',
                      render: (v: string) => utc(v),
                    },
                  ]}
                />
              )
            }
          </QueryView>
        </Card>
      </Col>
      <Col xs={24} xl={9}>
        <Space direction="vertical" size="large" style={{ width: '100%' }}>
          {canWrite && (
            <Card title={t('assets.add')}>
              <Space direction="vertical" style={{ width: '100%' }}>
                <Segmented
                  block
                  value={state}
                  onChange={(v) => setState(v as AssetState)}
                  options={(['runtime', 'development', 'design'] as const).map((s) => ({
                    value: s,
                    label: maybeTranslate(t, 'assetState', s),
                  }))}
                  data-testid="asset-state"
                />
                <Typography.Text type="secondary">{t(`assets.help.${state}`)}</Typography.Text>
                <div data-testid="asset-upload">
                  <Upload
                    multiple
                    fileList={files}
                    beforeUpload={() => false}
                    onChange={({ fileList }) => setFiles(fileList)}
                  >
                    <Button icon={<UploadOutlined />}>{t('assets.choose')}</Button>
                  </Upload>
                </div>
                <Button
                  onClick={() => void send()}
                  disabled={files.length === 0}
                  loading={upload.isPending}
                  data-testid="asset-upload-submit"
                >
                  {t('assets.send')}
                </Button>
              </Space>
            </Card>
          )}
          <Card title={t('assets.startTitle')} data-testid="start-card">
            {canWrite ? (
              <Form layout="vertical">
                <Form.Item label={t('assets.debateLang')}>
                  <Select
                    value={debateLang}
                    onChange={setDebateLang}
                    options={[
                      { value: 'en', label: 'English' },
                      { value: 'zh', label: '中文' },
                    ]}
                    data-testid="debate-lang"
                  />
                </Form.Item>
                <Form.Item label={t('assets.rounds')} tooltip={t('assets.roundsHelp')}>
                  <InputNumber
                    min={0}
                    max={10}
                    value={rounds}
                    onChange={(v) => setRounds(typeof v === 'number' ? v : null)}
                    placeholder={t('assets.roundsDefault')}
                    style={{ width: '100%' }}
                    data-testid="debate-rounds"
                  />
                </Form.Item>
                <Button
                  type="primary"
                  size="large"
                  block
                  icon={<PlayCircleOutlined />}
                  disabled={runtimeCount === 0}
                  loading={start.isPending}
                  onClick={() => void begin()}
                  data-testid="start-debate"
                >
                  {t('assets.start')}
                </Button>
                {runtimeCount === 0 && (
                  <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
                    {t('assets.needRuntime')}
                  </Typography.Paragraph>
                )}
              </Form>
            ) : (
              <Typography.Text type="secondary">{t('assets.viewerNote')}</Typography.Text>
            )}
          </Card>
        </Space>
      </Col>
    </Row>
  );
}

function DebateStep({
  runs,
  runId,
  onPick,
}: {
  runs: Debate[];
  runId: string | undefined;
  onPick: (id: string) => void;
}) {
  const t = useT();
  const chosen = runId ?? runs[0]?.id;
  if (!chosen) return <EmptyState title={t('debate.none')} description={t('debate.noneHelp')} />;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      {runs.length > 1 && (
        <Space wrap>
          <Typography.Text>{t('debate.pick')}</Typography.Text>
          <Select
            value={chosen}
            onChange={onPick}
            style={{ minWidth: 320 }}
            options={runs.map((r) => ({
              value: r.id,
              label: `${r.id} · ${maybeTranslate(t, 'status', r.status)} · ${utc(r.created_at)}`,
            }))}
            data-testid="debate-pick"
          />
        </Space>
      )}
      <Link to={`/debates/${chosen}`} data-testid="debate-fullscreen">
        {t('debate.fullScreen')}
      </Link>
      <DebateView runId={chosen} compact />
    </Space>
  );
}

/** The default step: the report when there is one, the debate while one exists, else assets. */
export function defaultStep(hasReport: boolean, runs: Debate[]): StepKey {
  if (runs.some((r) => !isFinished(r))) return 'debate';
  if (hasReport) return 'report';
  if (runs.length) return 'debate';
  return 'assets';
}

export default function IncidentPage() {
  const t = useT();
  const navigate = useNavigate();
  const { incidentId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const incident = useIncident(incidentId);
  const runs = useIncidentRuns(incidentId);
  const report = useReport(incidentId);
  const asked = params.get('step') as StepKey | null;
  const runId = params.get('run') ?? undefined;

  if (incident.isError && !incident.data) {
    return (
      <div className="page" data-testid="page-incident">
        <ErrorState error={incident.error} onRetry={() => void incident.refetch()} />
      </div>
    );
  }
  if (!incident.data) return <Loading />;
  const runList = runs.data?.data ?? [];
  const known = runs.data !== undefined && report.data !== undefined;
  const step: StepKey =
    asked && STEP_ORDER.includes(asked)
      ? asked
      : known
        ? defaultStep(report.data !== null, runList)
        : 'assets';
  const go = (next: StepKey, extra: Record<string, string> = {}) => {
    if (next === 'input') return;
    setParams({ step: next, ...extra });
  };

  return (
    <div className="page" data-testid="page-incident">
      <div className="page-head">
        <Typography.Title level={2} data-testid="incident-title-heading">
          {incident.data.title}
        </Typography.Title>
        <Space wrap>
          {runList[0] && <StatusTag status={runList[0].status} />}
          <Button
            icon={<ApartmentOutlined />}
            onClick={() => navigate(`/incidents/${incidentId}/graph`)}
            data-testid="incident-graph-link"
          >
            {t('graph.title')}
          </Button>
        </Space>
      </div>
      <IncidentDetails incident={incident.data} />
      <IncidentSteps current={step} onChange={go} reachable={['assets', 'debate', 'report']} />
      <div className="step-body" data-testid={`step-${step}`}>
        {step === 'input' || step === 'assets' ? (
          <AssetsStep incident={incident.data} onStarted={(id) => go('debate', { run: id })} />
        ) : step === 'debate' ? (
          runs.isError && !runs.data ? (
            <ErrorState error={runs.error} onRetry={() => void runs.refetch()} />
          ) : !runs.data ? (
            <Loading />
          ) : (
            <DebateStep runs={runList} runId={runId} onPick={(id) => go('debate', { run: id })} />
          )
        ) : (
          <ReportSection incidentId={incidentId} />
        )}
      </div>
    </div>
  );
}
