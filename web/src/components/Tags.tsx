import { Tag, Tooltip } from 'antd';
import type { RunStatus, Severity } from '../api/types';
import { maybeTranslate, useT } from '../i18n';
import { agentStyle } from '../lib/events';
import { percent } from '../lib/format';

const SEVERITY_COLOR: Record<string, string> = {
  critical: 'red',
  high: 'volcano',
  medium: 'gold',
  low: 'blue',
};

export function SeverityTag({ severity }: { severity: Severity | string }) {
  const t = useT();
  return (
    <Tag color={SEVERITY_COLOR[severity] ?? 'default'} data-testid={`severity-${severity}`}>
      {maybeTranslate(t, 'severity', severity)}
    </Tag>
  );
}

const STATUS_COLOR: Record<string, string> = {
  queued: 'default',
  running: 'processing',
  succeeded: 'success',
  failed: 'error',
  cancelled: 'warning',
  pending: 'processing',
  approved: 'success',
  denied: 'error',
};

export function StatusTag({ status }: { status: RunStatus | string }) {
  const t = useT();
  return (
    <Tag color={STATUS_COLOR[status] ?? 'default'} data-testid="status-tag">
      {maybeTranslate(t, 'status', status)}
    </Tag>
  );
}

const RISK_COLOR: Record<string, string> = {
  critical: 'red',
  high: 'volcano',
  medium: 'gold',
  low: 'green',
  read: 'blue',
  write: 'volcano',
};

export function RiskTag({ risk }: { risk: string }) {
  const t = useT();
  return <Tag color={RISK_COLOR[risk] ?? 'default'}>{maybeTranslate(t, 'risk', risk)}</Tag>;
}

export function AgentTag({ role }: { role: string | null | undefined }) {
  const style = agentStyle(role);
  return (
    <Tag color={style.tag} className="agent-tag" data-testid={`agent-${style.name}`}>
      {style.name}
    </Tag>
  );
}

export function ConfidenceTag({ value }: { value: number | undefined | null }) {
  const t = useT();
  if (value === undefined || value === null) return null;
  const color = value >= 0.7 ? 'green' : value >= 0.4 ? 'gold' : 'default';
  return (
    <Tooltip title={t('debate.confidence')}>
      <Tag color={color} data-testid="confidence">
        {t('debate.confidenceShort', { value: percent(value) })}
      </Tag>
    </Tooltip>
  );
}

export function FaultTag({ fault }: { fault: string | undefined | null }) {
  const t = useT();
  if (!fault) return null;
  return <Tag>{maybeTranslate(t, 'fault', fault)}</Tag>;
}
