// Administration: users, teams, regions and the audit trail.
import { api, type Query } from './client';
import type { Schemas as S } from './schema';
import type { AuditEntry, Page, RegionTree, Team, User } from './types';

export const adminApi = {
  users: (q: Query = {}) => api.get<Page<User>>('/users', { limit: 200, ...q }),
  createUser: (body: Partial<User> & { password: string }) => api.post<User>('/users', body),
  updateUser: (id: number, patch: Partial<User> & { version: number; password?: string }) => api.patch<User>(`/users/${id}`, patch),
  teams: () => api.get<Page<Team>>('/teams', { limit: 200 }),
  createTeam: (body: S['TeamInput']) => api.post<Team>('/teams', body),
  updateTeam: (id: number, patch: S['TeamPatch']) => api.patch<Team>(`/teams/${id}`, patch),
  regions: () => api.get<RegionTree>('/regions'),
  audit: (q: Query) => api.get<Page<AuditEntry>>('/audit', q),
};

/** Every user, following next_cursor (pickers need them all; there are few). */
export async function allUsers(q: Query = {}): Promise<User[]> {
  const out: User[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<User> = await adminApi.users({ ...q, cursor: cursor ?? undefined });
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && out.length < 5000);
  return out;
}
