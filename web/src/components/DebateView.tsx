import { StopOutlined, WifiOutlined } from '@ant-design/icons';
import { Alert, App, Badge, Button, Card, Popconfirm, Space, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { useRunEvents, type LiveMode } from '../api/live';
import { isFinished, useCancelDebate, useDebate, useReport } from '../api/queries';
import { useT } from '../i18n';
import { citedIdsOf, componentsOf } from '../lib/events';
import { utc } from '../lib/format';
import { allows, useAuth } from '../state/auth';
import { DebateTimeline } from './DebateTimeline';
import { EvidenceDrawer } from './EvidenceDrawer';
import { IntervenePanel } from './IntervenePanel';
import { EmptyState, ErrorState, errorText, Loading } from './States';
import { StatusTag } from './Tags';

const MODE_BADGE: Record<LiveMode, 'processing' | 'success' | 'warning' | 'default' | 'error'> = {
  loading: 'default',
  connecting: 'processing',
  live: 'success',
  reconnecting: 'warning',
  polling: 'warning',
  ended: 'default',
};

/** A debate, live: status, the timeline, citations that open their evidence, and (for
 * responders and admins) cancel and intervene. */
export function DebateView({ runId, compact = false }: { runId: string; compact?: boolean }) {
  const t = useT();
  const { message } = App.useApp();
  const role = useAuth((state) => state.session?.role ?? null);
  const debate = useDebate(runId);
  const { events, live, error, retry } = useRunEvents(runId);
  const cancel = useCancelDebate();
  const [evidenceId, setEvidenceId] = useState<string | null>(null);
  const incidentId = debate.data?.incident_id ?? undefined;
  const finished = isFinished(debate.data) || live.mode === 'ended';
  const report = useReport(finished ? incidentId : undefined);
  const reportMatches = report.data && report.data.run_id === runId ? report.data : undefined;
  const components = useMemo(() => componentsOf(events), [events]);
  const cited = useMemo(() => citedIdsOf(events), [events]);

  if (debate.isError && !debate.data) {
    return <ErrorState error={debate.error} onRetry={() => void debate.refetch()} />;
  }
  const status = live.endStatus ?? debate.data?.status ?? 'queued';
  return (
    <div className="debate-view" data-testid="debate-view" data-status={status}>
      <Card size="small" className="debate-head">
        <Space wrap size="middle">
          <StatusTag status={status} />
          <Badge
            status={MODE_BADGE[live.mode]}
            text={<span data-testid="live-mode">{t(`live.${live.mode}`)}</span>}
          />
          <Typography.Text type="secondary">
            <WifiOutlined /> {t('debate.events', { n: events.length })}
          </Typography.Text>
          {debate.data?.started_at && (
            <Typography.Text type="secondary">
              {t('debate.started', { at: utc(debate.data.started_at) })}
            </Typography.Text>
          )}
          {!compact && incidentId && (
            <Link to={`/incidents/${incidentId}`} data-testid="debate-incident-link">
              {t('debate.toIncident')}
            </Link>
          )}
          {finished && incidentId && (
            <Link to={`/incidents/${incidentId}/report`} data-testid="debate-report-link">
              {t('debate.openReport')}
            </Link>
          )}
          {!finished && allows(role, 'responder') && (
            <Popconfirm
              title={t('debate.cancelConfirm')}
              onConfirm={() =>
                cancel.mutate(runId, { onError: (e) => void message.error(errorText(e)) })
              }
              okText={t('debate.cancel')}
              cancelText={t('action.back')}
            >
              <Button
                danger
                size="small"
                icon={<StopOutlined />}
                loading={cancel.isPending}
                data-testid="debate-cancel"
              >
                {t('debate.cancel')}
              </Button>
            </Popconfirm>
          )}
        </Space>
        {debate.data?.error && (
          <Alert type="error" showIcon message={debate.data.error} className="form-alert" />
        )}
        {live.problem && live.mode !== 'ended' && (
          <Alert
            type="warning"
            showIcon
            message={t('live.problem')}
            description={live.problem}
            className="form-alert"
          />
        )}
      </Card>
      <IntervenePanel
        runId={runId}
        components={components}
        evidenceIds={cited}
        finished={finished}
      />
      {error && events.length === 0 ? (
        <ErrorState error={error} onRetry={retry} />
      ) : live.mode === 'loading' && events.length === 0 ? (
        <Loading label={t('debate.loading')} />
      ) : events.length === 0 ? (
        <EmptyState title={t('debate.waiting')} description={t('debate.waitingHelp')} />
      ) : (
        <DebateTimeline
          events={events}
          onCite={setEvidenceId}
          reportLink={incidentId ? `/incidents/${incidentId}/report` : undefined}
        />
      )}
      <EvidenceDrawer
        incidentId={incidentId}
        evidenceId={evidenceId}
        known={reportMatches?.evidence}
        runFinished={finished}
        onClose={() => setEvidenceId(null)}
        onOpen={setEvidenceId}
      />
    </div>
  );
}
