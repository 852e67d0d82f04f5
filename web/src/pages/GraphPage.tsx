import {
  Alert,
  Card,
  Checkbox,
  Col,
  Descriptions,
  Empty,
  List,
  Row,
  Space,
  Tag,
  Typography,
} from 'antd';
import { lazy, Suspense, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useFusion, useReport } from '../api/queries';
import type { FusionGraph } from '../api/types';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { maybeTranslate, useT } from '../i18n';
import { utc } from '../lib/format';
import { kindColor, pathOf, runtimeGraph, toElements } from '../lib/graph';

const GraphCanvas = lazy(() => import('../components/GraphCanvas'));

function GraphView({ graph, derived }: { graph: FusionGraph; derived: boolean }) {
  const t = useT();
  const kinds = useMemo(() => [...new Set(graph.nodes.map((n) => n.kind))].sort(), [graph]);
  const [hidden, setHidden] = useState<Set<string>>(new Set());
  const [selected, setSelected] = useState<string | null>(null);
  const shownKinds = useMemo(() => new Set(kinds.filter((k) => !hidden.has(k))), [kinds, hidden]);
  const elements = useMemo(
    () => toElements(graph, hidden.size ? shownKinds : new Set()),
    [graph, hidden, shownKinds],
  );
  const path = useMemo(() => pathOf(graph), [graph]);
  const node = graph.nodes.find((n) => n.id === selected);
  const pathNodes = graph.nodes.filter((n) => path.nodes.has(n.id));
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={18}>
        <Card size="small" data-testid="graph-card">
          {derived && (
            <Alert
              type="info"
              showIcon
              message={t('graph.derived')}
              className="form-alert"
              data-testid="graph-derived"
            />
          )}
          <Space wrap className="graph-legend">
            {kinds.map((kind) => (
              <Checkbox
                key={kind}
                checked={!hidden.has(kind)}
                onChange={(e) => {
                  const next = new Set(hidden);
                  if (e.target.checked) next.delete(kind);
                  else next.add(kind);
                  setHidden(next);
                }}
                data-testid={`graph-kind-${kind}`}
              >
                <span className="legend-dot" style={{ background: kindColor(kind) }} />
                {maybeTranslate(t, 'nodeKind', kind)}
              </Checkbox>
            ))}
          </Space>
          <Suspense fallback={<Loading label={t('graph.loading')} />}>
            <GraphCanvas elements={elements} onSelect={setSelected} />
          </Suspense>
          <Typography.Text type="secondary">
            {t('graph.counts', { nodes: graph.nodes.length, edges: graph.edges.length })}
          </Typography.Text>
        </Card>
      </Col>
      <Col xs={24} xl={6}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <Card size="small" title={t('graph.path')} data-testid="graph-path">
            {pathNodes.length === 0 ? (
              <Typography.Text type="secondary">{t('graph.noPath')}</Typography.Text>
            ) : (
              <ol className="claims">
                {pathNodes.map((n) => (
                  <li key={n.id}>
                    <Tag color="red">{maybeTranslate(t, 'nodeKind', n.kind)}</Tag>
                    <a onClick={() => setSelected(n.id)}>{n.name}</a>
                  </li>
                ))}
              </ol>
            )}
          </Card>
          <Knowledge graph={graph} />
          <Card size="small" title={t('graph.node')} data-testid="graph-node">
            {node ? (
              <Descriptions size="small" column={1}>
                <Descriptions.Item label={t('graph.kind')}>
                  {maybeTranslate(t, 'nodeKind', node.kind)}
                </Descriptions.Item>
                <Descriptions.Item label={t('graph.name')}>{node.name}</Descriptions.Item>
                <Descriptions.Item label="id">
                  <code className="wrap-code">{node.id}</code>
                </Descriptions.Item>
                {Object.entries(node.attrs ?? {}).map(([key, value]) => (
                  <Descriptions.Item key={key} label={key}>
                    <span className="wrap-code">
                      {typeof value === 'string' ? value : JSON.stringify(value)}
                    </span>
                  </Descriptions.Item>
                ))}
              </Descriptions>
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('graph.pickNode')} />
            )}
          </Card>
        </Space>
      </Col>
    </Row>
  );
}

/** What fusion found beside the graph: code links, recent commits, similar past cases. */
function Knowledge({ graph }: { graph: FusionGraph }) {
  const t = useT();
  const links = graph.links ?? [];
  const commits = graph.commits ?? [];
  const cases = graph.similar_cases ?? [];
  const placements = (graph.placements ?? []).filter((p) => p.bounded_context || p.aggregate_root);
  return (
    <>
      {links.length > 0 && (
        <Card size="small" title={t('graph.links')} data-testid="graph-links">
          <List
            size="small"
            dataSource={links}
            renderItem={(link) => (
              <List.Item>
                <Space direction="vertical" size={0}>
                  <code className="wrap-code">{link.frame}</code>
                  {link.file && (
                    <Typography.Text type="secondary">
                      {link.file}
                      {link.line ? `:${link.line}` : ''}
                    </Typography.Text>
                  )}
                  {link.owners && link.owners.length > 0 && (
                    <Typography.Text type="secondary">
                      {t('graph.owners', { owners: link.owners.join(', ') })}
                    </Typography.Text>
                  )}
                </Space>
              </List.Item>
            )}
          />
        </Card>
      )}
      {placements.length > 0 && (
        <Card size="small" title={t('graph.placements')}>
          <List
            size="small"
            dataSource={placements}
            renderItem={(p) => (
              <List.Item>
                {p.component}: {p.bounded_context ?? '–'} / {p.aggregate_root ?? '–'}
              </List.Item>
            )}
          />
        </Card>
      )}
      {commits.length > 0 && (
        <Card size="small" title={t('graph.commits')} data-testid="graph-commits">
          <List
            size="small"
            dataSource={commits}
            renderItem={(c) => (
              <List.Item>
                <Space direction="vertical" size={0}>
                  <code>{c.sha.slice(0, 10)}</code>
                  <span>{c.summary}</span>
                  <Typography.Text type="secondary">
                    {c.author} {c.authored_at ? utc(c.authored_at) : ''}
                  </Typography.Text>
                </Space>
              </List.Item>
            )}
          />
        </Card>
      )}
      {cases.length > 0 && (
        <Card size="small" title={t('graph.cases')} data-testid="graph-cases">
          <List
            size="small"
            dataSource={cases}
            renderItem={(c) => (
              <List.Item>
                <Space direction="vertical" size={0}>
                  <Typography.Text strong>{c.title}</Typography.Text>
                  {c.root_cause && <span>{c.root_cause}</span>}
                  {c.fix && <Typography.Text type="secondary">{c.fix}</Typography.Text>}
                </Space>
              </List.Item>
            )}
          />
        </Card>
      )}
    </>
  );
}

export default function GraphPage() {
  const t = useT();
  const { incidentId = '' } = useParams();
  const fusion = useFusion(incidentId);
  const noGraph =
    fusion.data === null || (fusion.data !== undefined && fusion.data.nodes.length === 0);
  const report = useReport(noGraph ? incidentId : undefined);
  let body;
  if (fusion.isError && fusion.data === undefined) {
    body = <ErrorState error={fusion.error} onRetry={() => void fusion.refetch()} />;
  } else if (fusion.data === undefined) {
    body = <Loading label={t('graph.loading')} />;
  } else if (fusion.data && fusion.data.nodes.length > 0) {
    body = <GraphView graph={fusion.data} derived={false} />;
  } else if (report.data) {
    body = (
      <>
        <Alert
          type="warning"
          showIcon
          message={t('graph.noFusion')}
          description={t('graph.noFusionHelp')}
          className="form-alert"
          data-testid="graph-empty"
        />
        <GraphView graph={runtimeGraph(report.data)} derived />
      </>
    );
  } else if (report.isPending && noGraph) {
    body = <Loading label={t('graph.loading')} />;
  } else {
    body = (
      <EmptyState
        title={t('graph.noFusion')}
        description={t('graph.noFusionHelp')}
        action={<Link to={`/incidents/${incidentId}?step=assets`}>{t('graph.toAssets')}</Link>}
      />
    );
  }
  return (
    <div className="page" data-testid="page-graph">
      <div className="page-head">
        <Typography.Title level={2}>{t('graph.title')}</Typography.Title>
        <Link to={`/incidents/${incidentId}`}>{t('report.toIncident')}</Link>
      </div>
      {body}
    </div>
  );
}
