import {
  AlertOutlined,
  CheckSquareOutlined,
  FontSizeOutlined,
  HistoryOutlined,
  HomeOutlined,
  LogoutOutlined,
  PlusOutlined,
  SettingOutlined,
} from '@ant-design/icons';
import { Badge, Button, Layout, Menu, Segmented, Space, Switch, Tag, Tooltip } from 'antd';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useStats } from '../api/queries';
import { useT } from '../i18n';
import { allows, useAuth } from '../state/auth';
import { usePrefs, type Lang } from '../state/prefs';

function selectedKey(path: string): string {
  if (path === '/') return '/';
  if (path.startsWith('/incidents/new')) return '/incidents/new';
  for (const key of ['/history', '/approvals', '/settings']) if (path.startsWith(key)) return key;
  return '';
}

export function LanguageSwitch() {
  const lang = usePrefs((state) => state.lang);
  const setLang = usePrefs((state) => state.setLang);
  return (
    <Segmented
      size="small"
      value={lang}
      onChange={(value) => setLang(value as Lang)}
      options={[
        { label: 'EN', value: 'en' },
        { label: '中文', value: 'zh' },
      ]}
      data-testid="lang-switch"
    />
  );
}

export function AppLayout() {
  const t = useT();
  const navigate = useNavigate();
  const location = useLocation();
  const session = useAuth((state) => state.session);
  const signOut = useAuth((state) => state.signOut);
  const largeType = usePrefs((state) => state.largeType);
  const setLargeType = usePrefs((state) => state.setLargeType);
  const stats = useStats();
  const pending = stats.data?.pending_approvals ?? 0;
  const role = session?.role ?? null;

  const items = [
    {
      key: '/',
      icon: <HomeOutlined />,
      label: <span data-testid="nav-home">{t('nav.home')}</span>,
    },
    {
      key: '/incidents/new',
      icon: <PlusOutlined />,
      label: <span data-testid="nav-new-incident">{t('nav.newIncident')}</span>,
    },
    {
      key: '/history',
      icon: <HistoryOutlined />,
      label: <span data-testid="nav-history">{t('nav.history')}</span>,
    },
    {
      key: '/approvals',
      icon: <CheckSquareOutlined />,
      label: (
        <span data-testid="nav-approvals">
          {t('nav.approvals')}{' '}
          <Badge count={pending} size="small" offset={[4, -2]} data-testid="pending-badge" />
        </span>
      ),
    },
    ...(allows(role, 'admin')
      ? [
          {
            key: '/settings',
            icon: <SettingOutlined />,
            label: <span data-testid="nav-settings">{t('nav.settings')}</span>,
          },
        ]
      : []),
  ];

  return (
    <Layout className="app-layout">
      <Layout.Header className="app-header">
        <div
          className="brand"
          role="link"
          tabIndex={0}
          onClick={() => navigate('/')}
          onKeyDown={(e) => e.key === 'Enter' && navigate('/')}
        >
          <AlertOutlined /> warroom
        </div>
        <Menu
          theme="dark"
          mode="horizontal"
          selectedKeys={[selectedKey(location.pathname)]}
          items={items}
          onClick={({ key }) => navigate(key)}
          className="app-menu"
        />
        <Space className="header-tools" size="middle">
          <LanguageSwitch />
          <Tooltip title={t('nav.largeType')}>
            <Space size={4}>
              <FontSizeOutlined className="header-icon" />
              <Switch
                size="small"
                checked={largeType}
                onChange={setLargeType}
                aria-label={t('nav.largeType')}
                data-testid="large-type"
              />
            </Space>
          </Tooltip>
          {session && (
            <Tooltip title={session.keyId}>
              <Tag color="geekblue" data-testid="current-role">
                {t(`role.${session.role}`)}
              </Tag>
            </Tooltip>
          )}
          <Button
            size="small"
            icon={<LogoutOutlined />}
            onClick={() => {
              signOut();
              navigate('/login');
            }}
            data-testid="sign-out"
          >
            {t('nav.signOut')}
          </Button>
        </Space>
      </Layout.Header>
      <Layout.Content className="app-content">
        <Outlet />
      </Layout.Content>
    </Layout>
  );
}
