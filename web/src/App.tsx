import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, theme } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { lazy, Suspense, useEffect, useMemo, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { Loading } from './components/States';
import { AppLayout } from './layout/AppLayout';
import { LoginPage } from './pages/LoginPage';
import { useAuth } from './state/auth';
import { usePrefs } from './state/prefs';

const HomePage = lazy(() => import('./pages/HomePage'));
const NewIncidentPage = lazy(() => import('./pages/NewIncidentPage'));
const IncidentPage = lazy(() => import('./pages/IncidentPage'));
const DebatePage = lazy(() => import('./pages/DebatePage'));
const ReportPage = lazy(() => import('./pages/ReportPage'));
const GraphPage = lazy(() => import('./pages/GraphPage'));
const HistoryPage = lazy(() => import('./pages/HistoryPage'));
const ApprovalsPage = lazy(() => import('./pages/ApprovalsPage'));
const SettingsPage = lazy(() => import('./pages/SettingsPage'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage'));

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { refetchOnWindowFocus: false, staleTime: 5_000 },
      mutations: { retry: false },
    },
  });
}

function RequireSession({ children }: { children: ReactNode }) {
  const session = useAuth((state) => state.session);
  const location = useLocation();
  if (!session) {
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  }
  return <>{children}</>;
}

/** Ant Design's theme and locale from the person's preferences (language, large type). */
export function Themed({ children }: { children: ReactNode }) {
  const lang = usePrefs((state) => state.lang);
  const largeType = usePrefs((state) => state.largeType);
  useEffect(() => {
    dayjs.locale(lang === 'zh' ? 'zh-cn' : 'en');
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.body.classList.toggle('large-type', largeType);
  }, [lang, largeType]);
  const config = useMemo(
    () => ({
      algorithm: theme.defaultAlgorithm,
      token: {
        fontSize: largeType ? 18 : 14,
        colorPrimary: '#cf1322',
        borderRadius: 6,
      },
    }),
    [largeType],
  );
  return (
    <ConfigProvider locale={lang === 'zh' ? zhCN : enUS} theme={config}>
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

export function AppRoutes() {
  return (
    <Suspense fallback={<Loading />}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route
          element={
            <RequireSession>
              <AppLayout />
            </RequireSession>
          }
        >
          <Route index element={<HomePage />} />
          <Route path="incidents/new" element={<NewIncidentPage />} />
          <Route path="incidents/:incidentId" element={<IncidentPage />} />
          <Route path="incidents/:incidentId/report" element={<ReportPage />} />
          <Route path="incidents/:incidentId/graph" element={<GraphPage />} />
          <Route path="debates/:runId" element={<DebatePage />} />
          <Route path="history" element={<HistoryPage />} />
          <Route path="approvals" element={<ApprovalsPage />} />
          <Route path="settings" element={<SettingsPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </Suspense>
  );
}

const queryClient = makeQueryClient();

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <Themed>
        <BrowserRouter future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
          <AppRoutes />
        </BrowserRouter>
      </Themed>
    </QueryClientProvider>
  );
}
