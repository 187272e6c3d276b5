// Whether the first-run setup was completed (or skipped). The flag belongs in the node's
// settings (GET/PUT /api/settings, first_run_done) where those exist; until then it lives in
// the page's localStorage. App takes any FirstRunStore, so switching to the node's settings is
// one line where App is created (main.tsx).

export interface FirstRunStore {
  /** isDone says whether the setup was completed or skipped. */
  isDone(): Promise<boolean>;
  /** setDone records it (false: offer the setup again on the next start). */
  setDone(done: boolean): Promise<void>;
}

/** firstRunKey is the localStorage key of localFirstRun. */
export const firstRunKey = 'aria.firstRunDone';

/**
 * localFirstRun keeps the flag in storage (localStorage by default). Without storage (disabled,
 * private mode) it keeps it in memory: the setup is then offered again on the next start.
 */
export function localFirstRun(storage: Storage | null = defaultStorage()): FirstRunStore {
  let fallback = false;
  return {
    async isDone() {
      try {
        if (storage) return storage.getItem(firstRunKey) === '1';
      } catch {
        // storage refused: the in-memory flag
      }
      return fallback;
    },
    async setDone(done) {
      fallback = done;
      try {
        if (done) storage?.setItem(firstRunKey, '1');
        else storage?.removeItem(firstRunKey);
      } catch {
        // storage refused: the in-memory flag holds it for this page
      }
    },
  };
}

function defaultStorage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}

/** The part of the settings API nodeFirstRun needs (SettingsApi in ./api/settings). */
export interface FirstRunSettings {
  get(): Promise<{ settings: { first_run_done?: boolean } }>;
  patch(p: { first_run_done: boolean }): Promise<unknown>;
}

/**
 * nodeFirstRun keeps the flag in the node's settings (first_run_done in settings.json), so the
 * window and a browser on the same node agree, and "Run first-run again" on the settings page
 * works. A node that cannot answer falls back to fallback (this page's storage).
 */
export function nodeFirstRun(api: FirstRunSettings, fallback: FirstRunStore = localFirstRun()): FirstRunStore {
  return {
    async isDone() {
      try {
        return (await api.get()).settings.first_run_done === true;
      } catch {
        return fallback.isDone();
      }
    },
    async setDone(done) {
      try {
        await api.patch({ first_run_done: done });
      } catch {
        await fallback.setDone(done);
      }
    },
  };
}
