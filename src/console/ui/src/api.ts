import type {
  ApiError,
  CatalogueListing,
  ConversationPage,
  ConversationSteps,
  DnsAnswer,
  MailboxInfo,
  MessageDetail,
  MessagePage,
  ProbeOutcome,
  ServiceInfo,
  TranscriptView,
  ZoneInfo,
  ZoneListing,
} from '../../api-types';

/** A refusal from the API, with the reason it gave. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, init);
  const body = (await res.json()) as T | ApiError;
  if (!res.ok) throw new ApiRequestError(res.status, (body as ApiError).error ?? `HTTP ${res.status}`);
  return body as T;
}

const q = (params: Record<string, string | number | undefined>): string => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
};

/** The console's JSON API, typed by the shapes the server sends (api-types.ts). */
export const api = {
  conversations: (params: { offset: number; limit: number; service?: string }) => request<ConversationPage>(`/api/conversations${q(params)}`),
  steps: (id: string, view: TranscriptView) => request<ConversationSteps>(`/api/conversations/${encodeURIComponent(id)}/steps${q({ view })}`),
  captureUrl: (id: string) => `/api/conversations/${encodeURIComponent(id)}/capture.pcapng?standardPorts=1`,
  services: () => request<ServiceInfo[]>('/api/services'),
  probe: (name: string) => request<ProbeOutcome>(`/api/services/${encodeURIComponent(name)}/probe`, { method: 'POST' }),
  mailboxes: () => request<MailboxInfo[]>('/api/mailboxes'),
  messages: (address: string, folder: string, offset: number, limit: number) =>
    request<MessagePage>(`/api/mailboxes/${encodeURIComponent(address)}/messages${q({ folder, offset, limit })}`),
  message: (address: string, folder: string, uid: number) => request<MessageDetail>(`/api/mailboxes/${encodeURIComponent(address)}/messages/${uid}${q({ folder })}`),
  rawUrl: (address: string, folder: string, uid: number) => `/api/mailboxes/${encodeURIComponent(address)}/messages/${uid}/raw${q({ folder })}`,
  zones: () => request<ZoneInfo[]>('/api/dns/zones'),
  zone: (origin: string) => request<ZoneListing>(`/api/dns/zones/${encodeURIComponent(origin)}`),
  dnsQuery: (name: string, type: string, server?: string) => request<DnsAnswer>(`/api/dns/query${q({ name, type, server })}`),
  catalogue: () => request<CatalogueListing[]>('/api/explain'),
};
