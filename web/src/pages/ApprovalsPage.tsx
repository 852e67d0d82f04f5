import { CheckOutlined, CloseOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Space,
  Table,
  Tabs,
  Typography,
  type ButtonProps,
} from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useApprovals, useDecideApproval, type ApprovalFilter } from '../api/queries';
import type { Approval } from '../api/types';
import { EmptyState, errorText, QueryView } from '../components/States';
import { RiskTag, StatusTag } from '../components/Tags';
import { useT } from '../i18n';
import { utc } from '../lib/format';
import { allows, useAuth } from '../state/auth';

function riskOf(approval: Approval): string {
  const risk = (approval.payload as { risk?: unknown }).risk;
  return typeof risk === 'string' ? risk : 'write';
}

function argsOf(approval: Approval): string {
  const args = (approval.payload as { args?: unknown }).args;
  return args && typeof args === 'object' ? JSON.stringify(args, null, 2) : '';
}

function ApprovalTable({ status }: { status: ApprovalFilter }) {
  const t = useT();
  const { message } = App.useApp();
  const role = useAuth((state) => state.session?.role ?? null);
  const approvals = useApprovals(status);
  const decide = useDecideApproval();
  const [deciding, setDeciding] = useState<{ approval: Approval; approve: boolean } | null>(null);
  const [form] = Form.useForm<{ reason: string }>();
  const canDecide = allows(role, 'responder') && status === 'pending';

  const submit = async () => {
    if (!deciding) return;
    let reason: string;
    try {
      ({ reason } = await form.validateFields());
    } catch {
      return; // the form shows what is missing
    }
    try {
      await decide.mutateAsync({ id: deciding.approval.id, approve: deciding.approve, reason });
      void message.success(
        deciding.approve ? t('approvals.approvedMsg') : t('approvals.deniedMsg'),
      );
      setDeciding(null);
      form.resetFields();
    } catch (error) {
      void message.error(errorText(error));
    }
  };

  return (
    <>
      <QueryView query={approvals}>
        {(data) =>
          data.data.length === 0 ? (
            <EmptyState
              title={t(`approvals.none.${status}`)}
              description={t('approvals.noneHelp')}
            />
          ) : (
            <Table<Approval>
              rowKey="id"
              dataSource={data.data}
              pagination={data.data.length > 20 ? { pageSize: 20 } : false}
              data-testid={`approvals-${status}`}
              expandable={{
                expandedRowRender: (row) => <pre className="code-block">{argsOf(row) || '{}'}</pre>,
              }}
              columns={[
                {
                  title: t('approvals.action'),
                  dataIndex: 'action',
                  render: (action: string) => <Typography.Text strong>{action}</Typography.Text>,
                },
                {
                  title: t('approvals.risk'),
                  render: (_v, row) => <RiskTag risk={riskOf(row)} />,
                  width: 100,
                },
                {
                  title: t('approvals.status'),
                  dataIndex: 'status',
                  render: (s: string) => <StatusTag status={s} />,
                  width: 120,
                },
                {
                  title: t('approvals.run'),
                  dataIndex: 'run_id',
                  render: (runId: string | null) =>
                    runId ? <Link to={`/debates/${runId}`}>{runId}</Link> : '–',
                },
                {
                  title: t('approvals.requested'),
                  dataIndex: 'requested_at',
                  render: (v: string) => utc(v),
                },
                ...(status === 'pending'
                  ? []
                  : [
                      {
                        title: t('approvals.decided'),
                        render: (_v: unknown, row: Approval) => (
                          <Space direction="vertical" size={0}>
                            <span>{row.decided_by}</span>
                            <Typography.Text type="secondary">{row.reason}</Typography.Text>
                          </Space>
                        ),
                      },
                    ]),
                ...(canDecide
                  ? [
                      {
                        title: '',
                        width: 220,
                        render: (_v: unknown, row: Approval) => (
                          <Space>
                            <Button
                              type="primary"
                              icon={<CheckOutlined />}
                              onClick={() => setDeciding({ approval: row, approve: true })}
                              data-testid={`approve-${row.id}`}
                            >
                              {t('approvals.approve')}
                            </Button>
                            <Button
                              danger
                              icon={<CloseOutlined />}
                              onClick={() => setDeciding({ approval: row, approve: false })}
                              data-testid={`deny-${row.id}`}
                            >
                              {t('approvals.deny')}
                            </Button>
                          </Space>
                        ),
                      },
                    ]
                  : []),
              ]}
            />
          )
        }
      </QueryView>
      <Modal
        open={deciding !== null}
        title={
          deciding
            ? deciding.approve
              ? t('approvals.approveTitle')
              : t('approvals.denyTitle')
            : ''
        }
        onCancel={() => setDeciding(null)}
        onOk={() => void submit()}
        confirmLoading={decide.isPending}
        okText={deciding?.approve ? t('approvals.approve') : t('approvals.deny')}
        okButtonProps={
          {
            danger: deciding ? !deciding.approve : false,
            'data-testid': 'decision-submit',
          } as ButtonProps
        }
        cancelText={t('action.cancel')}
        destroyOnHidden
      >
        {deciding && (
          <Typography.Paragraph>
            <Typography.Text strong>{deciding.approval.action}</Typography.Text>{' '}
            <RiskTag risk={riskOf(deciding.approval)} />
          </Typography.Paragraph>
        )}
        <Form form={form} layout="vertical" preserve={false}>
          <Form.Item
            name="reason"
            label={t('approvals.reason')}
            rules={[{ required: true, whitespace: true, message: t('approvals.reasonNeeded') }]}
          >
            <Input.TextArea rows={3} maxLength={2000} data-testid="decision-reason" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

export default function ApprovalsPage() {
  const t = useT();
  const role = useAuth((state) => state.session?.role ?? null);
  return (
    <div className="page" data-testid="page-approvals">
      <div className="page-head">
        <Typography.Title level={2}>{t('approvals.title')}</Typography.Title>
      </div>
      {!allows(role, 'responder') && (
        <Typography.Paragraph type="secondary">{t('approvals.viewerNote')}</Typography.Paragraph>
      )}
      <Card>
        <Tabs
          destroyOnHidden
          items={(['pending', 'approved', 'denied'] as const).map((status) => ({
            key: status,
            label: (
              <span data-testid={`approvals-tab-${status}`}>{t(`approvals.tab.${status}`)}</span>
            ),
            children: <ApprovalTable status={status} />,
          }))}
        />
      </Card>
    </div>
  );
}
