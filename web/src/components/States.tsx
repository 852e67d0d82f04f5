import { Alert, Button, Empty, Spin, Typography } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import type { UseQueryResult } from '@tanstack/react-query';
import { ApiError } from '../api/client';
import { useT } from '../i18n';

/** After this long a loading indicator says the server is slow. */
export const SLOW_MS = 8000;

export function Loading({ label }: { label?: string }) {
  const t = useT();
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setSlow(true), SLOW_MS);
    return () => clearTimeout(timer);
  }, []);
  return (
    <div className="state-box" data-testid="loading-state" role="status">
      <Spin />
      <Typography.Text type="secondary">{label ?? t('state.loading')}</Typography.Text>
      {slow && <Typography.Text type="warning">{t('state.slow')}</Typography.Text>}
    </div>
  );
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return `${error.status}: ${error.detail}`;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const t = useT();
  const offline = error instanceof TypeError;
  return (
    <Alert
      data-testid="error-state"
      type="error"
      showIcon
      message={offline ? t('state.offline') : t('state.error')}
      description={errorText(error)}
      action={
        onRetry && (
          <Button size="small" onClick={onRetry} data-testid="retry-button">
            {t('action.retry')}
          </Button>
        )
      }
    />
  );
}

export function EmptyState({
  title,
  description,
  action,
}: {
  title: string;
  description?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="state-box" data-testid="empty-state">
      <Empty
        image={Empty.PRESENTED_IMAGE_SIMPLE}
        description={
          <>
            <Typography.Text strong>{title}</Typography.Text>
            {description && (
              <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
                {description}
              </Typography.Paragraph>
            )}
          </>
        }
      >
        {action}
      </Empty>
    </div>
  );
}

/** Loading, error and stale states of one query around the view of its data. A failed
 * refresh keeps the last data on screen under a warning. */
export function QueryView<T>({
  query,
  children,
  loadingLabel,
}: {
  query: UseQueryResult<T>;
  children: (data: T) => ReactNode;
  loadingLabel?: string;
}) {
  const t = useT();
  if (query.data === undefined) {
    if (query.isError)
      return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
    return <Loading label={loadingLabel} />;
  }
  return (
    <>
      {query.isError && (
        <Alert
          type="warning"
          showIcon
          className="stale-banner"
          data-testid="stale-banner"
          message={t('state.stale')}
          description={errorText(query.error)}
        />
      )}
      {children(query.data)}
    </>
  );
}
