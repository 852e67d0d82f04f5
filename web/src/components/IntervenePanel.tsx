import {
  AimOutlined,
  MessageOutlined,
  PlusCircleOutlined,
  PushpinOutlined,
  StopOutlined,
} from '@ant-design/icons';
import {
  App,
  AutoComplete,
  Button,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Typography,
  type ButtonProps,
} from 'antd';
import { useState } from 'react';
import { useIntervene } from '../api/queries';
import type { InterventionCreate } from '../api/types';
import { useT } from '../i18n';
import { allows, useAuth } from '../state/auth';
import { errorText } from './States';

type Kind = InterventionCreate['kind'];

const KINDS: { kind: Kind; icon: React.ReactNode }[] = [
  { kind: 'claim', icon: <PlusCircleOutlined /> },
  { kind: 'pin', icon: <PushpinOutlined /> },
  { kind: 'veto', icon: <StopOutlined /> },
  { kind: 'instruction', icon: <MessageOutlined /> },
];

interface Values {
  component?: string;
  text?: string;
  evidence_ids?: string[];
}

/** Buttons to steer a debate (add a claim, pin, veto, instruct), for responders and admins
 * only; nothing is shown to viewers. */
export function IntervenePanel({
  runId,
  components,
  evidenceIds,
  finished,
}: {
  runId: string;
  components: string[];
  evidenceIds: string[];
  finished: boolean;
}) {
  const t = useT();
  const { message } = App.useApp();
  const role = useAuth((state) => state.session?.role ?? null);
  const [kind, setKind] = useState<Kind | null>(null);
  const [form] = Form.useForm<Values>();
  const intervene = useIntervene(runId);
  if (!allows(role, 'responder')) return null;

  const needsComponent = kind === 'pin' || kind === 'veto';
  const needsText = kind === 'claim' || kind === 'instruction';

  const submit = async () => {
    if (!kind) return;
    let values: Values;
    try {
      values = await form.validateFields();
    } catch {
      return; // the form shows what is missing
    }
    try {
      const answer = await intervene.mutateAsync({
        kind,
        component: values.component?.trim() || null,
        text: values.text?.trim() ?? '',
        evidence_ids: values.evidence_ids ?? [],
      });
      void message.success(
        answer.applies === 'next_round'
          ? t('intervene.sentNextRound')
          : t('intervene.sentNextDebate'),
      );
      setKind(null);
      form.resetFields();
    } catch (error) {
      void message.error(errorText(error));
    }
  };

  return (
    <div className="intervene-panel" data-testid="intervene-panel">
      <Space wrap>
        <Typography.Text strong>
          <AimOutlined /> {t('intervene.title')}
        </Typography.Text>
        {KINDS.map(({ kind: k, icon }) => (
          <Button key={k} icon={icon} onClick={() => setKind(k)} data-testid={`intervene-${k}`}>
            {t(`intervene.${k}`)}
          </Button>
        ))}
      </Space>
      {finished && (
        <Typography.Paragraph type="secondary" className="intervene-note">
          {t('intervene.finishedNote')}
        </Typography.Paragraph>
      )}
      <Modal
        open={kind !== null}
        title={kind ? t(`intervene.${kind}`) : ''}
        onCancel={() => setKind(null)}
        onOk={() => void submit()}
        okText={t('intervene.send')}
        cancelText={t('action.cancel')}
        confirmLoading={intervene.isPending}
        okButtonProps={{ 'data-testid': 'intervene-submit' } as ButtonProps}
        destroyOnHidden
      >
        {kind && (
          <Typography.Paragraph type="secondary">{t(`intervene.${kind}Help`)}</Typography.Paragraph>
        )}
        <Form form={form} layout="vertical" preserve={false}>
          <Form.Item
            name="component"
            label={t('intervene.component')}
            rules={
              needsComponent
                ? [{ required: true, whitespace: true, message: t('intervene.componentNeeded') }]
                : []
            }
          >
            <AutoComplete
              options={components.map((c) => ({ value: c }))}
              placeholder={t('intervene.componentPlaceholder')}
              filterOption={(input, option) =>
                String(option?.value ?? '')
                  .toLowerCase()
                  .includes(input.toLowerCase())
              }
              data-testid="intervene-component"
            />
          </Form.Item>
          <Form.Item
            name="text"
            label={t('intervene.text')}
            rules={
              needsText
                ? [{ required: true, whitespace: true, message: t('intervene.textNeeded') }]
                : []
            }
          >
            <Input.TextArea rows={3} maxLength={4000} data-testid="intervene-text" />
          </Form.Item>
          {kind === 'claim' && (
            <Form.Item name="evidence_ids" label={t('intervene.evidence')}>
              <Select
                mode="tags"
                options={evidenceIds.map((id) => ({ value: id }))}
                placeholder={t('intervene.evidencePlaceholder')}
                data-testid="intervene-evidence"
              />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </div>
  );
}
