import {
  FileMarkdownOutlined,
  FilePdfOutlined,
  FileTextOutlined,
  Html5Outlined,
} from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Progress,
  Row,
  Segmented,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useExportReport, type ExportFormat } from '../api/queries';
import type { Report } from '../api/types';
import { useT } from '../i18n';
import { utc } from '../lib/format';
import { EvidenceChip } from './EvidenceChip';
import { StruckText } from './DebateTimeline';
import { errorText } from './States';
import { ConfidenceTag, FaultTag, RiskTag, SeverityTag } from './Tags';

const FORMATS: { format: ExportFormat; label: string; icon: React.ReactNode }[] = [
  { format: 'md', label: 'Markdown', icon: <FileMarkdownOutlined /> },
  { format: 'html', label: 'HTML', icon: <Html5Outlined /> },
  { format: 'json', label: 'JSON', icon: <FileTextOutlined /> },
  { format: 'pdf', label: 'PDF', icon: <FilePdfOutlined /> },
];

export function ExportButtons({
  incidentId,
  reportLang,
}: {
  incidentId: string;
  reportLang: string;
}) {
  const t = useT();
  const { message } = App.useApp();
  const [lang, setLang] = useState<'en' | 'zh'>(reportLang === 'zh' ? 'zh' : 'en');
  const exporter = useExportReport(incidentId);
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const run = async (format: ExportFormat) => {
    setBusy(format);
    try {
      const name = await exporter.mutateAsync({ format, lang });
      void message.success(t('report.exported', { name }));
    } catch (error) {
      void message.error(errorText(error));
    } finally {
      setBusy(null);
    }
  };
  return (
    <Space wrap data-testid="export-buttons">
      <Typography.Text strong>{t('report.export')}</Typography.Text>
      <Segmented
        size="small"
        value={lang}
        onChange={(value) => setLang(value as 'en' | 'zh')}
        options={[
          { label: 'EN', value: 'en' },
          { label: '中文', value: 'zh' },
        ]}
        data-testid="export-lang"
      />
      {FORMATS.map(({ format, label, icon }) => (
        <Button
          key={format}
          icon={icon}
          loading={busy === format}
          onClick={() => void run(format)}
          data-testid={`export-${format}`}
        >
          {label}
        </Button>
      ))}
    </Space>
  );
}

/** A report: verdict, evidence chain, ranked alternatives and suspects, struck claims, usage,
 * and the export buttons. */
export function ReportView({ report, onCite }: { report: Report; onCite: (id: string) => void }) {
  const t = useT();
  const v = report.verdict;
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }} data-testid="report-view">
      <Card
        className="verdict-card"
        data-testid="verdict-card"
        title={
          <Space wrap>
            <span>{t('report.verdict')}</span>
            <Typography.Text strong className="verdict-component" data-testid="verdict-component">
              {v.component}
            </Typography.Text>
            <FaultTag fault={v.fault_type} />
            <RiskTag risk={v.risk_level} />
          </Space>
        }
        extra={<ExportButtons incidentId={report.incident.id} reportLang={report.lang} />}
      >
        <Row gutter={[24, 16]}>
          <Col xs={24} lg={16}>
            <Typography.Paragraph className="root-cause" data-testid="root-cause">
              {v.root_cause}
            </Typography.Paragraph>
            <Descriptions column={1} size="small" bordered>
              <Descriptions.Item label={t('report.fix')}>{v.fix_suggestion}</Descriptions.Item>
              <Descriptions.Item label={t('report.impact')}>{v.impact_analysis}</Descriptions.Item>
              {v.code_location && (
                <Descriptions.Item label={t('report.codeLocation')}>
                  <code>{v.code_location}</code>
                </Descriptions.Item>
              )}
              {v.suspect_commit && (
                <Descriptions.Item label={t('report.suspectCommit')}>
                  <code data-testid="suspect-commit">{v.suspect_commit.slice(0, 10)}</code>
                </Descriptions.Item>
              )}
              <Descriptions.Item label={t('report.team')}>{v.responsible_team}</Descriptions.Item>
              <Descriptions.Item label={t('report.rollback')}>
                {v.rollback_recommended ? (
                  <Tag color="red">{t('report.rollbackYes')}</Tag>
                ) : (
                  <Tag>{t('report.rollbackNo')}</Tag>
                )}
              </Descriptions.Item>
            </Descriptions>
          </Col>
          <Col xs={24} lg={8}>
            <Space direction="vertical" align="center" style={{ width: '100%' }}>
              <Progress
                type="dashboard"
                percent={Math.round(v.confidence * 100)}
                format={(p) => `${p}%`}
              />
              <Typography.Text type="secondary">{t('report.confidence')}</Typography.Text>
              <Typography.Text type="secondary">
                {t('report.rounds', { n: report.rounds })} ·{' '}
                {report.consensus ? t('report.consensus') : t('report.noConsensus')}
              </Typography.Text>
              {v.degraded_roles && v.degraded_roles.length > 0 && (
                <Tag color="warning">
                  {t('report.degraded', { roles: v.degraded_roles.join(', ') })}
                </Tag>
              )}
              <Typography.Text type="secondary">{utc(report.generated_at)}</Typography.Text>
            </Space>
          </Col>
        </Row>
      </Card>

      <Card title={t('report.chain')} data-testid="evidence-chain">
        <ol className="chain">
          {v.evidence_chain.map((link, i) => (
            <li key={i}>
              <Typography.Paragraph style={{ marginBottom: 4 }}>
                {link.statement}
              </Typography.Paragraph>
              <span className="chip-row">
                {link.evidence_ids.map((id) => (
                  <EvidenceChip key={id} id={id} onOpen={onCite} />
                ))}
              </span>
            </li>
          ))}
        </ol>
      </Card>

      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card title={t('report.alternatives')} data-testid="alternatives">
            <Table
              size="small"
              pagination={false}
              rowKey={(row) => row.component}
              dataSource={v.alternatives ?? []}
              locale={{ emptyText: t('report.noAlternatives') }}
              columns={[
                { title: '#', render: (_v, _r, i) => i + 1, width: 40 },
                { title: t('report.component'), dataIndex: 'component' },
                {
                  title: t('report.faultType'),
                  dataIndex: 'fault_type',
                  render: (f: string) => <FaultTag fault={f} />,
                },
                {
                  title: t('report.confidence'),
                  dataIndex: 'confidence',
                  render: (c: number) => <ConfidenceTag value={c} />,
                },
                { title: t('report.whyLost'), dataIndex: 'why_lost' },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card title={t('report.suspects')} data-testid="suspects">
            <Table
              size="small"
              pagination={false}
              rowKey={(row) => row.component}
              dataSource={report.suspects}
              columns={[
                { title: '#', dataIndex: 'rank', width: 40 },
                { title: t('report.component'), dataIndex: 'component' },
                {
                  title: t('report.score'),
                  dataIndex: 'score',
                  render: (s: number) => s.toFixed(2),
                },
                {
                  title: t('report.faultType'),
                  dataIndex: 'fault_type',
                  render: (f: string) => <FaultTag fault={f} />,
                },
              ]}
              expandable={{
                expandedRowRender: (row) => (
                  <ul className="claims">
                    {row.reasons.map((reason, i) => (
                      <li key={i}>{reason}</li>
                    ))}
                  </ul>
                ),
              }}
            />
          </Card>
        </Col>
      </Row>

      {report.struck.length > 0 && (
        <Card title={t('report.struck', { n: report.struck.length })} data-testid="report-struck">
          <Space direction="vertical" style={{ width: '100%' }}>
            {report.struck.map((s, i) => (
              <div key={i}>
                <Typography.Text strong>
                  {s.by} · {s.component}
                </Typography.Text>
                <StruckText struck={s} t={t} />
              </div>
            ))}
          </Space>
        </Card>
      )}

      <Card title={t('report.incident')} size="small">
        <Descriptions size="small" column={{ xs: 1, md: 2 }}>
          <Descriptions.Item label={t('incident.title')}>{report.incident.title}</Descriptions.Item>
          <Descriptions.Item label={t('incident.severity')}>
            <SeverityTag severity={report.incident.severity} />
          </Descriptions.Item>
          <Descriptions.Item label={t('incident.alertTime')}>
            {utc(report.incident.alert_time)}
          </Descriptions.Item>
          <Descriptions.Item label={t('incident.window')}>
            {utc(report.incident.window.start)} → {utc(report.incident.window.end)}
          </Descriptions.Item>
        </Descriptions>
      </Card>

      {report.usage.length > 0 && (
        <Card title={t('report.usage')} size="small">
          <Table
            size="small"
            pagination={false}
            rowKey={(row) => row.role}
            dataSource={report.usage}
            columns={[
              { title: t('report.role'), dataIndex: 'role' },
              { title: t('report.model'), dataIndex: 'model' },
              { title: t('report.requests'), dataIndex: 'requests' },
              { title: t('report.tokens'), dataIndex: 'total_tokens' },
              {
                title: t('report.cost'),
                dataIndex: 'cost_usd',
                render: (c: number) => `$${c.toFixed(4)}`,
              },
              {
                title: t('report.degradedCol'),
                render: (_v, row) =>
                  row.degraded ? <Tag color="warning">{row.degraded_reason ?? '–'}</Tag> : '–',
              },
            ]}
          />
          <Typography.Text type="secondary">
            {t('report.cited', {
              n: report.evidence.filter((e) => e.cited).length,
              total: report.evidence.length,
            })}
          </Typography.Text>
        </Card>
      )}
    </Space>
  );
}
