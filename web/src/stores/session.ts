// Who is signed in. The session itself is the HttpOnly cookie; this keeps the user and their
// permissions so the menu and the pages can show what the role may do.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { authApi } from '@/api/auth';
import { ApiError } from '@/api/client';
import type { SessionUser } from '@/api/types';

export const useSessionStore = defineStore('session', () => {
  const user = ref<SessionUser | null>(null);
  const checked = ref(false);
  /** Set when the API answered 401 to a signed-in user: the login page says why. */
  const expired = ref(false);

  const signedIn = computed(() => user.value !== null);
  const can = (perm: string) => !!user.value?.permissions.includes(perm);

  /** Asks the server once whether the cookie still holds a session. */
  async function restore() {
    if (checked.value) return;
    try {
      user.value = await authApi.me();
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401) throw e;
      user.value = null;
    } finally {
      checked.value = true;
    }
  }

  async function login(username: string, password: string) {
    const r = await authApi.login(username, password);
    user.value = r.user;
    checked.value = true;
    expired.value = false;
  }

  async function logout() {
    try {
      await authApi.logout();
    } finally {
      user.value = null;
    }
  }

  function sessionEnded() {
    if (user.value) expired.value = true;
    user.value = null;
  }

  return { user, checked, expired, signedIn, can, restore, login, logout, sessionEnded };
});
