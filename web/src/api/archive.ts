// The customer archive: list and search, the 360 view, sub-records, handovers, the workbench.
import { api, type Query } from './client';
import type { Schemas as S } from './schema';
import type {
  Assignment, Contact, Customer, Handover, HandoverSummary, Hierarchy, KeyPerson, Member, Need, Overview, Page, Workbench,
} from './types';

export const archiveApi = {
  workbench: () => api.get<Workbench>('/workbench'),
  customers: (q: Query, signal?: AbortSignal) => api.get<Page<Customer>>('/customers', q, signal),
  createCustomer: (body: Partial<Customer>) => api.post<Customer>('/customers', body),
  customer: (id: number) => api.get<Customer>(`/customers/${id}`),
  updateCustomer: (id: number, patch: Partial<Customer> & { version: number }) => api.patch<Customer>(`/customers/${id}`, patch),
  overview: (id: number) => api.get<Overview>(`/customers/${id}/overview`),
  hierarchy: (id: number) => api.get<Hierarchy>(`/customers/${id}/hierarchy`),
  members: (id: number, q: Query) => api.get<Page<Member>>(`/customers/${id}/members`, q),
  keyPersons: (id: number) => api.get<Page<KeyPerson>>(`/customers/${id}/key-persons`, { limit: 200 }),
  addKeyPerson: (id: number, body: Partial<KeyPerson>) => api.post<KeyPerson>(`/customers/${id}/key-persons`, body),
  updateKeyPerson: (id: number, patch: Partial<KeyPerson> & { version: number }) => api.patch<KeyPerson>(`/key-persons/${id}`, patch),
  contacts: (id: number, q: Query) => api.get<Page<Contact>>(`/customers/${id}/contacts`, q),
  addContact: (id: number, body: Partial<Contact>) => api.post<Contact>(`/customers/${id}/contacts`, body),
  addNeed: (id: number, body: Partial<Need>) => api.post<Need>(`/customers/${id}/needs`, body),
  updateNeed: (id: number, patch: Partial<Need> & { version: number }) => api.patch<Need>(`/needs/${id}`, patch),
  assignments: (id: number) => api.get<Page<Assignment>>(`/customers/${id}/assignments`),
  startHandover: (id: number, body: { role: string; to_user_id: number; reason: string }) =>
    api.post<Handover>(`/customers/${id}/handovers`, body),
  handovers: (status: string) => api.get<Page<HandoverSummary>>('/handovers', { status }),
  handover: (id: number) => api.get<Handover>(`/handovers/${id}`),
  tickHandoverItem: (id: number, itemId: number, done: boolean, note?: string) =>
    api.patch<Handover>(`/handovers/${id}/items/${itemId}`, (note ? { done, note } : { done }) satisfies S['HandoverItemPatch']),
  completeHandover: (id: number) => api.post<Handover>(`/handovers/${id}/complete`),
  cancelHandover: (id: number) => api.post<Handover>(`/handovers/${id}/cancel`),
};
