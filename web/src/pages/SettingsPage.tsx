import { KeyOutlined, LockOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  Input,
  Modal,
  Popconfirm,
  Row,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useApiKeys, useCreateKey, useRevokeKey, useServerSettings } from '../api/queries';
import type { ApiKey, KeyRole } from '../api/types';
import { EmptyState, errorText, QueryView } from '../components/States';
import { maybeTranslate, useT } from '../i18n';
import { LanguageSwitch } from '../layout/AppLayout';
import { bytes, duration, utc } from '../lib/format';
import { allows, useAuth } from '../state/auth';
import { usePrefs } from '../state/prefs';

function Preferences() {
  const t = useT();
  const largeType = usePrefs((state) => state.largeType);
  const setLargeType = usePrefs((state) => state.setLargeType);
  return (
    <Card title={t('settings.preferences')}>
      <Descriptions column={1} size="small">
        <Descriptions.Item label={t('settings.language')}>
          <LanguageSwitch />
        </Descriptions.Item>
        <Descriptions.Item label={t('nav.largeType')}>
          <Switch checked={largeType} onChange={setLargeType} data-testid="settings-large-type" />
        </Descriptions.Item>
      </Descriptions>
      <Typography.Text type="secondary">{t('settings.preferencesNote')}</Typography.Text>
    </Card>
  );
}

function ServerSettings() {
  const t = useT();
  const settings = useServerSettings(true);
  return (
    <QueryView query={settings}>
      {(data) => (
        <Space direction="vertical" size="large" style={{ width: '100%' }}>
          <Card
            title={
              <Space>
                {t('settings.models')}
                <Tag icon={<LockOutlined />}>{t('settings.readOnly')}</Tag>
              </Space>
            }
            data-testid="settings-models"
          >
            <Alert
              type="info"
              showIcon
              message={t('settings.modelsReadOnly')}
              className="form-alert"
            />
            <Table
              size="small"
              pagination={false}
              rowKey="role"
              dataSource={data.models}
              columns={[
                {
                  title: t('settings.role'),
                  dataIndex: 'role',
                  render: (r: string) => maybeTranslate(t, 'agentRole', r),
                },
                {
                  title: t('settings.model'),
                  dataIndex: 'model',
                  render: (m: string | null) => m ?? <Tag>{t('settings.offline')}</Tag>,
                },
                {
                  title: t('settings.source'),
                  dataIndex: 'source',
                  render: (s: string) => maybeTranslate(t, 'modelSource', s),
                },
              ]}
            />
          </Card>
          <Card title={t('settings.server')} data-testid="settings-server">
            <Descriptions size="small" column={{ xs: 1, md: 2 }} bordered>
              <Descriptions.Item label={t('settings.reportLang')}>{data.lang}</Descriptions.Item>
              <Descriptions.Item label={t('settings.rounds')}>
                {data.debate_rounds}
              </Descriptions.Item>
              <Descriptions.Item label={t('settings.window')}>
                {duration(data.window_seconds)}
              </Descriptions.Item>
              <Descriptions.Item label={t('settings.endpoint')}>
                {data.llm_endpoint ?? t('settings.offline')}
              </Descriptions.Item>
              <Descriptions.Item label={t('settings.timeout')}>
                {data.llm_timeout_s} s · {t('settings.retries', { n: data.llm_max_retries })}
              </Descriptions.Item>
              <Descriptions.Item label={t('settings.runner')}>
                {maybeTranslate(t, 'runner', data.runner)}
              </Descriptions.Item>
              <Descriptions.Item label={t('settings.database')}>{data.database}</Descriptions.Item>
              <Descriptions.Item label={t('settings.uploadLimit')}>
                {bytes(data.max_upload_bytes)} / {bytes(data.max_upload_request_bytes)}
              </Descriptions.Item>
            </Descriptions>
          </Card>
        </Space>
      )}
    </QueryView>
  );
}

function Keys() {
  const t = useT();
  const { message } = App.useApp();
  const ownKey = useAuth((state) => state.session?.keyId ?? null);
  const signOut = useAuth((state) => state.signOut);
  const keys = useApiKeys(true);
  const create = useCreateKey();
  const revoke = useRevokeKey();
  const [secret, setSecret] = useState<string | null>(null);
  const [form] = Form.useForm<{ role: KeyRole; name: string }>();

  const add = async (values: { role: KeyRole; name: string }) => {
    try {
      const made = await create.mutateAsync({ role: values.role, name: values.name?.trim() ?? '' });
      setSecret(made.secret);
      form.resetFields();
    } catch (error) {
      void message.error(errorText(error));
    }
  };

  const remove = async (key: ApiKey) => {
    try {
      await revoke.mutateAsync(key.id);
      void message.success(t('settings.revoked', { id: key.id }));
      if (key.id === ownKey) signOut(t('settings.ownRevoked'));
    } catch (error) {
      void message.error(errorText(error));
    }
  };

  return (
    <Card
      title={
        <span>
          <KeyOutlined /> {t('settings.keys')}
        </span>
      }
      data-testid="settings-keys"
    >
      <Form
        form={form}
        layout="inline"
        onFinish={(v) => void add(v)}
        initialValues={{ role: 'responder', name: '' }}
        className="key-form"
      >
        <Form.Item name="name" rules={[{ max: 200 }]}>
          <Input placeholder={t('settings.keyName')} data-testid="key-name" />
        </Form.Item>
        <Form.Item name="role">
          <Select
            style={{ width: 160 }}
            options={(['viewer', 'responder', 'admin'] as const).map((r) => ({
              value: r,
              label: t(`role.${r}`),
            }))}
            data-testid="key-role"
          />
        </Form.Item>
        <Button
          type="primary"
          htmlType="submit"
          loading={create.isPending}
          data-testid="key-create"
        >
          {t('settings.createKey')}
        </Button>
      </Form>
      <QueryView query={keys}>
        {(data) =>
          data.data.length === 0 ? (
            <EmptyState title={t('settings.noKeys')} />
          ) : (
            <Table<ApiKey>
              size="small"
              rowKey="id"
              dataSource={data.data}
              pagination={data.data.length > 20 ? { pageSize: 20 } : false}
              data-testid="keys-table"
              columns={[
                { title: 'id', dataIndex: 'id', render: (id: string) => <code>{id}</code> },
                { title: t('settings.keyName'), dataIndex: 'name' },
                {
                  title: t('settings.role'),
                  dataIndex: 'role',
                  render: (r: KeyRole) => <Tag>{t(`role.${r}`)}</Tag>,
                },
                {
                  title: t('settings.created'),
                  dataIndex: 'created_at',
                  render: (v: string) => utc(v),
                },
                {
                  title: t('settings.lastUsed'),
                  dataIndex: 'last_used_at',
                  render: (v: string | null) => utc(v),
                },
                {
                  title: '',
                  render: (_v, key) =>
                    key.revoked_at ? (
                      <Tag color="default">
                        {t('settings.revokedAt', { at: utc(key.revoked_at) })}
                      </Tag>
                    ) : (
                      <Popconfirm
                        title={
                          key.id === ownKey ? t('settings.revokeOwn') : t('settings.revokeConfirm')
                        }
                        onConfirm={() => void remove(key)}
                        okText={t('settings.revoke')}
                        cancelText={t('action.cancel')}
                      >
                        <Button danger size="small" data-testid={`revoke-${key.id}`}>
                          {t('settings.revoke')}
                        </Button>
                      </Popconfirm>
                    ),
                },
              ]}
            />
          )
        }
      </QueryView>
      <Modal
        open={secret !== null}
        title={t('settings.newKey')}
        onCancel={() => setSecret(null)}
        onOk={() => setSecret(null)}
        cancelButtonProps={{ style: { display: 'none' } }}
        okText={t('settings.stored')}
      >
        <Alert type="warning" showIcon message={t('settings.secretOnce')} className="form-alert" />
        <Typography.Paragraph
          copyable={{ text: secret ?? '' }}
          className="mono"
          data-testid="new-key-secret"
        >
          {secret}
        </Typography.Paragraph>
      </Modal>
    </Card>
  );
}

export default function SettingsPage() {
  const t = useT();
  const role = useAuth((state) => state.session?.role ?? null);
  const admin = allows(role, 'admin');
  return (
    <div className="page" data-testid="page-settings">
      <div className="page-head">
        <Typography.Title level={2}>{t('settings.title')}</Typography.Title>
      </div>
      <Row gutter={[24, 24]}>
        <Col xs={24} xl={8}>
          <Preferences />
        </Col>
        <Col xs={24} xl={16}>
          {admin ? (
            <Space direction="vertical" size="large" style={{ width: '100%' }}>
              <Keys />
              <ServerSettings />
            </Space>
          ) : (
            <EmptyState title={t('settings.adminOnly')} description={t('settings.adminOnlyHelp')} />
          )}
        </Col>
      </Row>
    </div>
  );
}
