import {
  keepPreviousData,
  useMutation,
  useQuery,
  useQueryClient,
  type UseQueryResult,
} from '@tanstack/react-query';
import { api, ApiError, getJson, unwrap } from './client';
import type {
  Approval,
  Debate,
  FusionGraph,
  Incident,
  IncidentCreate,
  InterventionCreate,
  KeyRole,
  Report,
  Severity,
} from './types';

/** Query keys, in one place so mutations invalidate exactly what they change. */
export const keys = {
  stats: ['stats'] as const,
  history: (params: HistoryParams) => ['history', params] as const,
  incident: (id: string) => ['incident', id] as const,
  assets: (id: string) => ['assets', id] as const,
  incidentRuns: (id: string) => ['incident-runs', id] as const,
  debate: (runId: string) => ['debate', runId] as const,
  report: (id: string, lang: string | null) => ['report', id, lang] as const,
  evidence: (id: string) => ['evidence', id] as const,
  approvals: (status: string) => ['approvals', status] as const,
  interventions: (runId: string) => ['interventions', runId] as const,
  keyList: ['keys'] as const,
  settings: ['settings'] as const,
  alerts: ['alerts'] as const,
  fusion: (id: string) => ['fusion', id] as const,
};

/** Not-found answers count as "nothing yet" rather than failures (no retry either). */
function retryUnless404(count: number, error: Error): boolean {
  if (error instanceof ApiError && [401, 403, 404, 422].includes(error.status)) return false;
  return count < 2;
}

export function useStats() {
  return useQuery({
    queryKey: keys.stats,
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/stats', { signal })),
    refetchInterval: 15_000,
    placeholderData: keepPreviousData,
  });
}

export interface HistoryParams {
  q?: string;
  severity?: Severity;
  created_after?: string;
  created_before?: string;
  limit: number;
  offset: number;
}

export function useHistory(params: HistoryParams) {
  return useQuery({
    queryKey: keys.history(params),
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v1/history', { params: { query: params }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useIncident(id: string | undefined) {
  return useQuery({
    queryKey: keys.incident(id ?? ''),
    enabled: Boolean(id),
    retry: retryUnless404,
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET('/api/v1/incidents/{incident_id}', {
          params: { path: { incident_id: id ?? '' } },
          signal,
        }),
      ),
  });
}

export function useAssets(id: string | undefined) {
  return useQuery({
    queryKey: keys.assets(id ?? ''),
    enabled: Boolean(id),
    retry: retryUnless404,
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET('/api/v1/assets', { params: { query: { incident_id: id ?? '' } }, signal }),
      ),
  });
}

const finished = (status: string | undefined) =>
  status === 'succeeded' || status === 'failed' || status === 'cancelled';

export function isFinished(debate: Pick<Debate, 'status'> | undefined | null): boolean {
  return finished(debate?.status);
}

export function useIncidentRuns(id: string | undefined) {
  return useQuery({
    queryKey: keys.incidentRuns(id ?? ''),
    enabled: Boolean(id),
    retry: retryUnless404,
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET('/api/v1/incidents/{incident_id}/runs', {
          params: { path: { incident_id: id ?? '' } },
          signal,
        }),
      ),
    refetchInterval: (query) =>
      query.state.data?.data.some((run) => !finished(run.status)) ? 3000 : false,
  });
}

export function useDebate(runId: string | undefined) {
  return useQuery({
    queryKey: keys.debate(runId ?? ''),
    enabled: Boolean(runId),
    retry: retryUnless404,
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET('/api/v1/debates/{run_id}', {
          params: { path: { run_id: runId ?? '' } },
          signal,
        }),
      ),
    refetchInterval: (query) => (finished(query.state.data?.status) ? false : 3000),
  });
}

/** The incident's latest report, or null while it has none (404). */
export function useReport(id: string | undefined, lang: 'en' | 'zh' | null = null) {
  return useQuery({
    queryKey: keys.report(id ?? '', lang),
    enabled: Boolean(id),
    retry: retryUnless404,
    queryFn: async ({ signal }): Promise<Report | null> => {
      const result = await api.GET('/api/v1/reports/{incident_id}', {
        params: { path: { incident_id: id ?? '' }, query: lang ? { lang } : {} },
        signal,
      });
      if (result.response.status === 404) return null;
      return unwrap(result) as unknown as Report;
    },
  });
}

export function useEvidenceList(id: string | undefined) {
  return useQuery({
    queryKey: keys.evidence(id ?? ''),
    enabled: Boolean(id),
    retry: retryUnless404,
    staleTime: 60_000,
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET('/api/v1/incidents/{incident_id}/evidence', {
          params: { path: { incident_id: id ?? '' } },
          signal,
        }),
      ),
  });
}

export type ApprovalFilter = 'pending' | 'approved' | 'denied';

export function useApprovals(status: ApprovalFilter) {
  return useQuery({
    queryKey: keys.approvals(status),
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET('/api/v1/approvals', { params: { query: { status, limit: 200 } }, signal }),
      ),
    refetchInterval: status === 'pending' ? 5000 : false,
    placeholderData: keepPreviousData,
  });
}

export function useInterventions(runId: string | undefined) {
  return useQuery({
    queryKey: keys.interventions(runId ?? ''),
    enabled: Boolean(runId),
    retry: retryUnless404,
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET('/api/v1/debates/{run_id}/interventions', {
          params: { path: { run_id: runId ?? '' } },
          signal,
        }),
      ),
  });
}

export function useApiKeys(enabled: boolean) {
  return useQuery({
    queryKey: keys.keyList,
    enabled,
    retry: retryUnless404,
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/keys', { signal })),
  });
}

export function useServerSettings(enabled: boolean) {
  return useQuery({
    queryKey: keys.settings,
    enabled,
    retry: retryUnless404,
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/settings', { signal })),
  });
}

export function useAlerts() {
  return useQuery({
    queryKey: keys.alerts,
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET('/api/v1/webhooks/alerts', { params: { query: { limit: 200 } }, signal }),
      ),
  });
}

/** The fused asset graph, or null when the server has none for the incident (404). */
export function useFusion(id: string | undefined): UseQueryResult<FusionGraph | null> {
  return useQuery({
    queryKey: keys.fusion(id ?? ''),
    enabled: Boolean(id),
    retry: retryUnless404,
    queryFn: async ({ signal }) => {
      try {
        return await getJson<FusionGraph>(
          `/api/v1/assets/fusion/${encodeURIComponent(id ?? '')}`,
          signal,
        );
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
  });
}

export function useCreateIncident() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: IncidentCreate): Promise<Incident> =>
      unwrap(await api.POST('/api/v1/incidents', { body })),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['history'] });
      void client.invalidateQueries({ queryKey: keys.stats });
    },
  });
}

export type AssetState = 'runtime' | 'development' | 'design';

/** Upload files as assets of an incident (multipart through the typed client); answers how
 * many files the server took. Runtime uploads never start a debate by themselves here: the
 * person starts it. Development and design uploads are indexed into the knowledge graph. */
export async function uploadAssets(
  incidentId: string,
  files: File[],
  state: AssetState,
): Promise<number> {
  const path =
    state === 'runtime'
      ? ('/api/v1/assets/runtime' as const)
      : state === 'development'
        ? ('/api/v1/assets/development' as const)
        : ('/api/v1/assets/design' as const);
  const result = await api.POST(path, {
    body: { incident_id: incidentId, files: files as unknown as string[] },
    bodySerializer: () => {
      const form = new FormData();
      form.append('incident_id', incidentId);
      if (state === 'runtime') form.append('investigate', 'false');
      for (const file of files) form.append('files', file, file.name);
      return form;
    },
  });
  const body = unwrap(result) as unknown as {
    data?: unknown[];
    files?: unknown[];
    source?: unknown;
  };
  return body.data?.length ?? body.files?.length ?? (body.source ? files.length : 0);
}

export function useUploadAssets(incidentId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ files, state }: { files: File[]; state: AssetState }) =>
      uploadAssets(incidentId, files, state),
    onSuccess: () => void client.invalidateQueries({ queryKey: keys.assets(incidentId) }),
  });
}

export function useStartDebate() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: { incident_id: string; lang: 'en' | 'zh'; rounds?: number | null }) =>
      unwrap(await api.POST('/api/v1/debates', { body })),
    onSuccess: (started) => {
      void client.invalidateQueries({ queryKey: keys.incidentRuns(started.incident_id) });
      void client.invalidateQueries({ queryKey: keys.stats });
    },
  });
}

export function useCancelDebate() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (runId: string) =>
      unwrap(
        await api.POST('/api/v1/debates/{run_id}/cancel', { params: { path: { run_id: runId } } }),
      ),
    onSuccess: (debate) => client.setQueryData(keys.debate(debate.id), debate),
  });
}

export function useIntervene(runId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: InterventionCreate) =>
      unwrap(
        await api.POST('/api/v1/debates/{run_id}/intervene', {
          params: { path: { run_id: runId } },
          body,
        }),
      ),
    onSuccess: () => void client.invalidateQueries({ queryKey: keys.interventions(runId) }),
  });
}

export function useDecideApproval() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({
      id,
      approve,
      reason,
    }: {
      id: string;
      approve: boolean;
      reason: string;
    }): Promise<Approval> => {
      const options = { params: { path: { approval_id: id } }, body: { reason } };
      return unwrap(
        approve
          ? await api.POST('/api/v1/approvals/{approval_id}/approve', options)
          : await api.POST('/api/v1/approvals/{approval_id}/deny', options),
      );
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['approvals'] });
      void client.invalidateQueries({ queryKey: keys.stats });
    },
  });
}

export function useCreateKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: { role: KeyRole; name: string }) =>
      unwrap(await api.POST('/api/v1/keys', { body })),
    onSuccess: () => void client.invalidateQueries({ queryKey: keys.keyList }),
  });
}

export function useRevokeKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (keyId: string) =>
      unwrap(await api.DELETE('/api/v1/keys/{key_id}', { params: { path: { key_id: keyId } } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: keys.keyList }),
  });
}

export type ExportFormat = 'md' | 'html' | 'json' | 'pdf';

/** The report as a document, saved by the browser under the server's file name. */
export async function exportReport(
  incidentId: string,
  format: ExportFormat,
  lang: 'en' | 'zh' | null,
): Promise<string> {
  const result = await api.POST('/api/v1/reports/{incident_id}/export', {
    params: { path: { incident_id: incidentId } },
    body: { format, lang },
    parseAs: 'blob',
  });
  const blob = unwrap(result) as Blob;
  const disposition = result.response.headers.get('Content-Disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `report-${incidentId}.${format}`;
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}

export function useExportReport(incidentId: string) {
  return useMutation({
    mutationFn: ({ format, lang }: { format: ExportFormat; lang: 'en' | 'zh' | null }) =>
      exportReport(incidentId, format, lang),
  });
}
