import { api, request } from './client';
import type { Schemas as S } from './schema';
import type { LoginResult, SessionUser } from './types';

export const authApi = {
  login: (username: string, password: string) =>
    request<LoginResult>('POST', '/auth/login', { body: { username, password } satisfies S['LoginInput'], quiet401: true }),
  logout: () => request<void>('POST', '/auth/logout', { quiet401: true }),
  me: () => request<SessionUser>('GET', '/auth/me', { quiet401: true }),
  changePassword: (current_password: string, new_password: string) =>
    api.post<void>('/auth/password', { current_password, new_password } satisfies S['PasswordChange']),
};
