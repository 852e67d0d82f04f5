import { create } from 'zustand';
import { createJSONStorage, persist, type StateStorage } from 'zustand/middleware';

export type Role = 'viewer' | 'responder' | 'admin';

const ORDER: Role[] = ['viewer', 'responder', 'admin'];

/** True when ``role`` may do what ``needed`` may (viewer < responder < admin). */
export function allows(role: Role | null, needed: Role): boolean {
  return role !== null && ORDER.indexOf(role) >= ORDER.indexOf(needed);
}

export interface Session {
  apiKey: string;
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  role: Role;
  keyId: string;
}

export interface AuthState {
  session: Session | null;
  /** Keep the key in localStorage (this device) rather than sessionStorage (this tab). */
  remember: boolean;
  notice: string | null;
  signIn: (session: Session, remember: boolean) => void;
  refresh: (token: string, expiresAt: number, role: Role) => void;
  signOut: (notice?: string | null) => void;
}

const KEY = 'warroom.auth';

/** localStorage when the person asked to be remembered, sessionStorage otherwise. */
const splitStorage: StateStorage = {
  getItem: (name) => localStorage.getItem(name) ?? sessionStorage.getItem(name),
  setItem: (name, value) => {
    const remember = (JSON.parse(value) as { state?: { remember?: boolean } }).state?.remember;
    const [keep, drop] = remember ? [localStorage, sessionStorage] : [sessionStorage, localStorage];
    keep.setItem(name, value);
    drop.removeItem(name);
  },
  removeItem: (name) => {
    localStorage.removeItem(name);
    sessionStorage.removeItem(name);
  },
};

export const useAuth = create<AuthState>()(
  persist(
    (set) => ({
      session: null,
      remember: true,
      notice: null,
      signIn: (session, remember) => set({ session, remember, notice: null }),
      refresh: (token, expiresAt, role) =>
        set((state) =>
          state.session ? { session: { ...state.session, token, expiresAt, role } } : {},
        ),
      signOut: (notice = null) => set({ session: null, notice }),
    }),
    {
      name: KEY,
      version: 1,
      storage: createJSONStorage(() => splitStorage),
      partialize: (state) => ({ session: state.session, remember: state.remember }),
    },
  ),
);

export function currentRole(): Role | null {
  return useAuth.getState().session?.role ?? null;
}
