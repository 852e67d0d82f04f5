import { ApartmentOutlined } from '@ant-design/icons';
import { Button, Space, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useReport } from '../api/queries';
import { EvidenceDrawer } from '../components/EvidenceDrawer';
import { ReportView } from '../components/ReportView';
import { EmptyState, QueryView } from '../components/States';
import { useT } from '../i18n';

/** The report of an incident with its evidence drawer (used alone and inside the incident). */
export function ReportSection({ incidentId }: { incidentId: string }) {
  const t = useT();
  const report = useReport(incidentId);
  const [evidenceId, setEvidenceId] = useState<string | null>(null);
  return (
    <QueryView query={report} loadingLabel={t('report.loading')}>
      {(data) =>
        data === null ? (
          <EmptyState
            title={t('report.none')}
            description={t('report.noneHelp')}
            action={
              <Link to={`/incidents/${incidentId}?step=assets`}>{t('report.toIncident')}</Link>
            }
          />
        ) : (
          <>
            <ReportView report={data} onCite={setEvidenceId} />
            <EvidenceDrawer
              incidentId={incidentId}
              evidenceId={evidenceId}
              known={data.evidence}
              runFinished
              onClose={() => setEvidenceId(null)}
              onOpen={setEvidenceId}
            />
          </>
        )
      }
    </QueryView>
  );
}

export default function ReportPage() {
  const t = useT();
  const { incidentId = '' } = useParams();
  return (
    <div className="page" data-testid="page-report">
      <div className="page-head">
        <Typography.Title level={2}>{t('report.title')}</Typography.Title>
        <Space>
          <Link to={`/incidents/${incidentId}`}>
            <Button>{t('report.toIncident')}</Button>
          </Link>
          <Link to={`/incidents/${incidentId}/graph`}>
            <Button icon={<ApartmentOutlined />} data-testid="report-graph-link">
              {t('graph.title')}
            </Button>
          </Link>
        </Space>
      </div>
      <ReportSection incidentId={incidentId} />
    </div>
  );
}
