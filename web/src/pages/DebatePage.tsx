import { Typography } from 'antd';
import { useParams } from 'react-router-dom';
import { DebateView } from '../components/DebateView';
import { useT } from '../i18n';

export default function DebatePage() {
  const t = useT();
  const { runId = '' } = useParams();
  return (
    <div className="page" data-testid="page-debate">
      <div className="page-head">
        <Typography.Title level={2}>
          {t('debate.title')} <Typography.Text code>{runId}</Typography.Text>
        </Typography.Title>
      </div>
      <DebateView runId={runId} />
    </div>
  );
}
