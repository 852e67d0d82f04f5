import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Col, List, Row, Space, Statistic, Typography } from 'antd';
import { Link, useNavigate } from 'react-router-dom';
import { useStats } from '../api/queries';
import { SEVERITIES, type Stats } from '../api/types';
import { EmptyState, QueryView } from '../components/States';
import { ConfidenceTag, FaultTag, SeverityTag, StatusTag } from '../components/Tags';
import { useT } from '../i18n';
import { duration, utc } from '../lib/format';

const SEVERITY_COLOR: Record<string, string> = {
  critical: '#cf1322',
  high: '#d4380d',
  medium: '#d48806',
  low: '#1677ff',
};

function HomeBody({ stats }: { stats: Stats }) {
  const t = useT();
  const open = SEVERITIES.reduce((sum, s) => sum + (stats.open_by_severity[s] ?? 0), 0);
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Row gutter={[16, 16]}>
        {SEVERITIES.map((severity) => (
          <Col xs={12} md={6} key={severity}>
            <Card data-testid={`open-${severity}`}>
              <Statistic
                title={
                  <Space>
                    <SeverityTag severity={severity} />
                    {t('home.open')}
                  </Space>
                }
                value={stats.open_by_severity[severity] ?? 0}
                valueStyle={{ color: SEVERITY_COLOR[severity] }}
              />
            </Card>
          </Col>
        ))}
      </Row>
      <Row gutter={[16, 16]}>
        <Col xs={24} md={8}>
          <Card>
            <Statistic
              title={t('home.timeToVerdict')}
              value={duration(stats.time_to_verdict.median_s)}
              data-testid="time-to-verdict"
            />
            <Typography.Text type="secondary">
              {t('home.samples', { n: stats.time_to_verdict.samples })}
            </Typography.Text>
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card>
            <Statistic
              title={t('home.debateDuration')}
              value={duration(stats.debate_duration.median_s)}
            />
            <Typography.Text type="secondary">
              {t('home.samples', { n: stats.debate_duration.samples })}
            </Typography.Text>
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card>
            <Statistic title={t('home.pendingApprovals')} value={stats.pending_approvals} />
            <Link to="/approvals">{t('home.toApprovals')}</Link>
          </Card>
        </Col>
      </Row>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={10}>
          <Card title={t('home.active')} data-testid="active-debates">
            {stats.active_debates.length === 0 ? (
              <EmptyState title={t('home.noActive')} />
            ) : (
              <List
                dataSource={stats.active_debates}
                renderItem={(run) => (
                  <List.Item
                    actions={[
                      <Link key="watch" to={`/debates/${run.run_id}`}>
                        {t('home.watch')}
                      </Link>,
                    ]}
                  >
                    <List.Item.Meta
                      title={<Link to={`/incidents/${run.incident_id}`}>{run.title}</Link>}
                      description={
                        <Space>
                          <StatusTag status={run.status} />
                          {utc(run.created_at)}
                        </Space>
                      }
                    />
                  </List.Item>
                )}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={14}>
          <Card title={t('home.recent')} data-testid="recent-verdicts">
            {stats.recent_verdicts.length === 0 ? (
              <EmptyState title={t('home.noVerdicts')} description={t('home.noVerdictsHelp')} />
            ) : (
              <List
                dataSource={stats.recent_verdicts}
                renderItem={(v) => (
                  <List.Item
                    actions={[
                      <Link key="report" to={`/incidents/${v.incident_id}/report`}>
                        {t('home.report')}
                      </Link>,
                    ]}
                  >
                    <List.Item.Meta
                      title={
                        <Space wrap>
                          <SeverityTag severity={v.severity} />
                          <Link to={`/incidents/${v.incident_id}`}>{v.title}</Link>
                        </Space>
                      }
                      description={
                        <Space wrap>
                          <Typography.Text strong>{v.component}</Typography.Text>
                          <FaultTag fault={v.fault_type} />
                          <ConfidenceTag value={v.confidence} />
                          <Typography.Text type="secondary">{utc(v.decided_at)}</Typography.Text>
                        </Space>
                      }
                    />
                  </List.Item>
                )}
              />
            )}
          </Card>
        </Col>
      </Row>
      <Typography.Text type="secondary">
        {t('home.scanned', {
          incidents: stats.scanned_incidents,
          total: stats.incidents_total,
          open,
        })}
      </Typography.Text>
    </Space>
  );
}

export default function HomePage() {
  const t = useT();
  const navigate = useNavigate();
  const stats = useStats();
  return (
    <div className="page" data-testid="page-home">
      <div className="page-head">
        <Typography.Title level={2}>{t('home.title')}</Typography.Title>
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => navigate('/incidents/new')}
          data-testid="home-new-incident"
        >
          {t('nav.newIncident')}
        </Button>
      </div>
      <QueryView query={stats}>{(data) => <HomeBody stats={data} />}</QueryView>
    </div>
  );
}
