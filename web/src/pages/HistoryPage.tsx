import { Card, DatePicker, Input, Select, Space, Table, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { useHistory, type HistoryParams } from '../api/queries';
import { SEVERITIES, type HistoryRow, type Severity } from '../api/types';
import { EmptyState, QueryView } from '../components/States';
import { ConfidenceTag, FaultTag, SeverityTag, StatusTag } from '../components/Tags';
import { maybeTranslate, useT } from '../i18n';
import { utc } from '../lib/format';

type VerdictFilter = 'all' | 'with' | 'without';

/** Rows of one page kept by the verdict filter and the component/root-cause text. */
export function filterRows(rows: HistoryRow[], verdict: VerdictFilter, text: string): HistoryRow[] {
  const needle = text.trim().toLowerCase();
  return rows.filter((row) => {
    if (verdict === 'with' && !row.verdict) return false;
    if (verdict === 'without' && row.verdict) return false;
    if (!needle) return true;
    const v = row.verdict;
    return Boolean(
      v &&
      (v.component.toLowerCase().includes(needle) || v.root_cause.toLowerCase().includes(needle)),
    );
  });
}

export default function HistoryPage() {
  const t = useT();
  const [q, setQ] = useState('');
  const [severity, setSeverity] = useState<Severity | undefined>();
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [verdict, setVerdict] = useState<VerdictFilter>('all');
  const [component, setComponent] = useState('');
  const params = useMemo<HistoryParams>(() => {
    const p: HistoryParams = { limit: pageSize, offset: (page - 1) * pageSize };
    if (q.trim()) p.q = q.trim();
    if (severity) p.severity = severity;
    if (range?.[0]) p.created_after = range[0].startOf('day').toISOString();
    if (range?.[1]) p.created_before = range[1].endOf('day').toISOString();
    return p;
  }, [q, severity, range, page, pageSize]);
  const history = useHistory(params);

  return (
    <div className="page" data-testid="page-history">
      <div className="page-head">
        <Typography.Title level={2}>{t('history.title')}</Typography.Title>
      </div>
      <Card size="small" className="filters">
        <Space wrap>
          <Input.Search
            allowClear
            placeholder={t('history.search')}
            onSearch={(value) => {
              setQ(value);
              setPage(1);
            }}
            style={{ width: 280 }}
            data-testid="history-search"
          />
          <Select
            allowClear
            placeholder={t('incident.severity')}
            value={severity}
            onChange={(value) => {
              setSeverity(value);
              setPage(1);
            }}
            options={SEVERITIES.map((s) => ({ value: s, label: maybeTranslate(t, 'severity', s) }))}
            style={{ width: 160 }}
            data-testid="history-severity"
          />
          <DatePicker.RangePicker
            value={range}
            onChange={(value) => {
              setRange(value as [Dayjs | null, Dayjs | null] | null);
              setPage(1);
            }}
            data-testid="history-range"
          />
          <Select
            value={verdict}
            onChange={setVerdict}
            options={[
              { value: 'all', label: t('history.all') },
              { value: 'with', label: t('history.withVerdict') },
              { value: 'without', label: t('history.withoutVerdict') },
            ]}
            style={{ width: 180 }}
            data-testid="history-verdict"
          />
          <Input
            allowClear
            placeholder={t('history.component')}
            value={component}
            onChange={(e) => setComponent(e.target.value)}
            style={{ width: 220 }}
            data-testid="history-component"
          />
        </Space>
        <Typography.Paragraph type="secondary" className="filter-note">
          {t('history.pageFilterNote')}
        </Typography.Paragraph>
      </Card>
      <QueryView query={history}>
        {(data) =>
          data.count === 0 ? (
            <EmptyState title={t('history.none')} description={t('history.noneHelp')} />
          ) : (
            <Table<HistoryRow>
              rowKey={(row) => row.incident.id}
              loading={history.isFetching}
              dataSource={filterRows(data.data, verdict, component)}
              data-testid="history-table"
              pagination={{
                current: page,
                pageSize,
                total: data.count,
                showSizeChanger: true,
                onChange: (p, size) => {
                  setPage(p);
                  setPageSize(size);
                },
              }}
              columns={[
                {
                  title: t('incident.title'),
                  render: (_v, row) => (
                    <Link to={`/incidents/${row.incident.id}`} data-testid="history-incident-link">
                      {row.incident.title}
                    </Link>
                  ),
                },
                {
                  title: t('incident.severity'),
                  render: (_v, row) => <SeverityTag severity={row.incident.severity} />,
                  width: 110,
                },
                {
                  title: t('incident.created'),
                  render: (_v, row) => utc(row.incident.created_at),
                  width: 200,
                },
                {
                  title: t('history.latestRun'),
                  render: (_v, row) =>
                    row.latest_run ? (
                      <Link to={`/debates/${row.latest_run.id}`}>
                        <StatusTag status={row.latest_run.status} />
                      </Link>
                    ) : (
                      '–'
                    ),
                  width: 130,
                },
                {
                  title: t('history.verdict'),
                  render: (_v, row) =>
                    row.verdict ? (
                      <Space wrap size={4}>
                        <Link to={`/incidents/${row.incident.id}/report`}>
                          <Typography.Text strong>{row.verdict.component}</Typography.Text>
                        </Link>
                        <FaultTag fault={row.verdict.fault_type} />
                        <ConfidenceTag value={row.verdict.confidence} />
                      </Space>
                    ) : (
                      <Typography.Text type="secondary">{t('history.noVerdict')}</Typography.Text>
                    ),
                },
              ]}
            />
          )
        }
      </QueryView>
    </div>
  );
}
