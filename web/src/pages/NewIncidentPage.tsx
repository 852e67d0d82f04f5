import { InboxOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Col,
  Form,
  Input,
  List,
  Row,
  Select,
  Space,
  Tabs,
  Tag,
  Typography,
  Upload,
} from 'antd';
import type { UploadFile } from 'antd/es/upload/interface';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { uploadAssets, useAlerts, useCreateIncident } from '../api/queries';
import { SEVERITIES, type Severity, type StoredAlert } from '../api/types';
import { EmptyState, errorText, QueryView } from '../components/States';
import { SeverityTag } from '../components/Tags';
import { maybeTranslate, useT } from '../i18n';
import { allows, useAuth } from '../state/auth';
import { utc } from '../lib/format';
import { IncidentSteps } from './incidentSteps';

interface Values {
  title: string;
  severity: Severity;
  alertTime: string;
  window: string;
  description?: string;
  service?: string;
}

const WINDOW = /^\s*\d+(\.\d+)?\s*[smhd]?\s*$/i;

/** ``2026-03-14 14:07`` or ISO, read as UTC unless a zone is given; null when unreadable. */
export function parseUtc(text: string): string | null {
  const trimmed = text.trim().replace(' ', 'T');
  if (!trimmed) return null;
  const zoned = /(Z|[+-]\d\d:?\d\d)$/i.test(trimmed) ? trimmed : `${trimmed}Z`;
  const value = Date.parse(zoned);
  return Number.isNaN(value) ? null : new Date(value).toISOString();
}

function nowUtc(): string {
  return new Date().toISOString().slice(0, 19).replace('T', ' ');
}

/** Alerts that opened incidents, one row per incident (most recently seen first). */
export function webhookIncidents(alerts: StoredAlert[]): StoredAlert[] {
  const seen = new Map<string, StoredAlert>();
  for (const alert of alerts) {
    if (alert.incident_id && !seen.has(alert.incident_id)) seen.set(alert.incident_id, alert);
  }
  return [...seen.values()];
}

function WebhookPicker() {
  const t = useT();
  const navigate = useNavigate();
  const alerts = useAlerts();
  return (
    <QueryView query={alerts}>
      {(data) => {
        const rows = webhookIncidents(data.data);
        if (rows.length === 0) {
          return <EmptyState title={t('input.noWebhook')} description={t('input.noWebhookHelp')} />;
        }
        return (
          <List
            dataSource={rows}
            renderItem={(alert) => (
              <List.Item
                actions={[
                  <Button
                    key="open"
                    onClick={() => navigate(`/incidents/${alert.incident_id}?step=assets`)}
                    data-testid={`webhook-incident-${alert.incident_id}`}
                  >
                    {t('input.pick')}
                  </Button>,
                ]}
              >
                <List.Item.Meta
                  title={
                    <Space wrap>
                      <SeverityTag severity={alert.severity} />
                      <Typography.Text strong>{alert.name}</Typography.Text>
                      {alert.service && <Tag>{alert.service}</Tag>}
                      <Tag>{maybeTranslate(t, 'alertStatus', alert.status)}</Tag>
                    </Space>
                  }
                  description={
                    <Space direction="vertical" size={0}>
                      <span>{alert.summary}</span>
                      <Typography.Text type="secondary">
                        {t('input.alertSeen', { count: alert.count, at: utc(alert.last_seen) })}
                      </Typography.Text>
                    </Space>
                  }
                />
              </List.Item>
            )}
          />
        );
      }}
    </QueryView>
  );
}

export default function NewIncidentPage() {
  const t = useT();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const role = useAuth((state) => state.session?.role ?? null);
  const [form] = Form.useForm<Values>();
  const [pasted, setPasted] = useState('');
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [busy, setBusy] = useState(false);
  const create = useCreateIncident();
  const initial = useMemo(
    () => ({ severity: 'high' as Severity, window: '30m', alertTime: nowUtc() }),
    [],
  );

  if (!allows(role, 'responder')) {
    return (
      <div className="page" data-testid="page-new-incident">
        <IncidentSteps current="input" />
        <EmptyState title={t('input.viewerTitle')} description={t('input.viewerHelp')} />
        <Card title={t('input.fromWebhook')}>
          <WebhookPicker />
        </Card>
      </div>
    );
  }

  const submit = async (values: Values) => {
    const alertTime = parseUtc(values.alertTime);
    if (!alertTime) return;
    setBusy(true);
    try {
      const service = values.service?.trim();
      const incident = await create.mutateAsync({
        title: values.title.trim(),
        severity: values.severity,
        alert_time: alertTime,
        window: values.window.trim(),
        description: values.description?.trim() ?? '',
        metadata: service ? { alert: { labels: { service }, source: 'ui' } } : {},
      });
      const uploads: File[] = files.flatMap((f) =>
        f.originFileObj ? [f.originFileObj as File] : [],
      );
      if (pasted.trim()) uploads.unshift(new File([pasted], 'pasted.log', { type: 'text/plain' }));
      if (uploads.length) {
        try {
          await uploadAssets(incident.id, uploads, 'runtime');
        } catch (error) {
          void message.error(t('input.uploadFailed', { detail: errorText(error) }));
        }
      }
      navigate(`/incidents/${incident.id}?step=assets`);
    } catch (error) {
      void message.error(errorText(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page" data-testid="page-new-incident">
      <IncidentSteps current="input" />
      <Row gutter={[24, 24]}>
        <Col xs={24} xl={10}>
          <Card title={t('input.details')}>
            <Form<Values>
              form={form}
              layout="vertical"
              initialValues={initial}
              onFinish={(values) => void submit(values)}
            >
              <Form.Item
                name="title"
                label={t('incident.title')}
                rules={[{ required: true, whitespace: true, message: t('input.titleNeeded') }]}
              >
                <Input
                  maxLength={500}
                  data-testid="incident-title"
                  placeholder={t('input.titlePlaceholder')}
                />
              </Form.Item>
              <Row gutter={12}>
                <Col span={12}>
                  <Form.Item name="severity" label={t('incident.severity')}>
                    <Select
                      data-testid="incident-severity"
                      options={SEVERITIES.map((s) => ({
                        value: s,
                        label: maybeTranslate(t, 'severity', s),
                      }))}
                    />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item
                    name="window"
                    label={t('incident.window')}
                    tooltip={t('input.windowHelp')}
                    rules={[{ pattern: WINDOW, message: t('input.windowBad') }]}
                  >
                    <Input data-testid="incident-window" />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item
                name="alertTime"
                label={t('input.alertTimeUtc')}
                tooltip={t('input.alertTimeHelp')}
                rules={[
                  { required: true, message: t('input.alertTimeBad') },
                  {
                    validator: (_rule, value: string) =>
                      parseUtc(value ?? '')
                        ? Promise.resolve()
                        : Promise.reject(new Error(t('input.alertTimeBad'))),
                  },
                ]}
              >
                <Input data-testid="incident-alert-time" placeholder="2026-03-14 14:07:00" />
              </Form.Item>
              <Form.Item name="service" label={t('input.service')} tooltip={t('input.serviceHelp')}>
                <Input data-testid="incident-service" placeholder="payment-service" />
              </Form.Item>
              <Form.Item name="description" label={t('incident.description')}>
                <Input.TextArea rows={3} maxLength={20000} data-testid="incident-description" />
              </Form.Item>
              <Button
                type="primary"
                htmlType="submit"
                loading={busy}
                block
                data-testid="incident-submit"
              >
                {t('input.submit')}
              </Button>
            </Form>
          </Card>
        </Col>
        <Col xs={24} xl={14}>
          <Card title={t('input.telemetry')}>
            <Tabs
              items={[
                {
                  key: 'upload',
                  label: <span data-testid="tab-upload">{t('input.upload')}</span>,
                  children: (
                    <div data-testid="incident-upload">
                      <Upload.Dragger
                        multiple
                        fileList={files}
                        beforeUpload={() => false}
                        onChange={({ fileList }) => setFiles(fileList)}
                      >
                        <p className="ant-upload-drag-icon">
                          <InboxOutlined />
                        </p>
                        <p className="ant-upload-text">{t('input.uploadHint')}</p>
                        <p className="ant-upload-hint">{t('input.uploadFormats')}</p>
                      </Upload.Dragger>
                    </div>
                  ),
                },
                {
                  key: 'paste',
                  label: <span data-testid="tab-paste">{t('input.paste')}</span>,
                  children: (
                    <Input.TextArea
                      value={pasted}
                      onChange={(e) => setPasted(e.target.value)}
                      rows={14}
                      className="mono"
                      placeholder={t('input.pastePlaceholder')}
                      data-testid="incident-paste"
                    />
                  ),
                },
                {
                  key: 'webhook',
                  label: <span data-testid="tab-webhook">{t('input.fromWebhook')}</span>,
                  children: <WebhookPicker />,
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
