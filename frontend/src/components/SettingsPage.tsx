import { useEffect, useMemo, useState } from 'react';
import type { Client } from '../api/client';
import { fieldOf } from '../api/memory';
import { SettingsApi, applyTheme, themes, type SettingsPatch, type SettingsState, type Theme } from '../api/settings';
import type { Policy, PolicyResponse } from '../api/types';
import '../styles/settings.css';
import { CheckField, TextField, reasonOf } from './SettingsPageField';
import { SettingsPageApi } from './SettingsPageApi';
import { SettingsPagePolicy } from './SettingsPagePolicy';
import { SettingsPageTray } from './SettingsPageTray';
import { SettingsPageUpdate } from './SettingsPageUpdate';

export type SettingsClient = Pick<Client, 'send' | 'events' | 'setKey' | 'policy' | 'setPolicy'>;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * laterUpdate is the answer s of a change, keeping the update check's state already shown when
 * it is newer: the check that turning it on starts can finish, and its event arrive, before the
 * change's own answer does.
 */
export function laterUpdate(prev: SettingsState | null, s: SettingsState): SettingsState {
  const was = prev?.update.checked ? Date.parse(prev.update.checked) : 0;
  const now = s.update.checked ? Date.parse(s.update.checked) : 0;
  return prev && was > now ? { ...s, update: { ...prev.update, enabled: s.update.enabled } } : s;
}

/**
 * SettingsPage: the contribution policy, the API server, the folders, the theme, start at login
 * and the update check. Every change applies when it is made and is saved by the node; a
 * refused value shows its reason beside its field. The page follows the node's events, so a
 * change from the tray or another window shows here too.
 */
export interface SettingsPageProps {
  client: SettingsClient;
  /** opens the first-run setup now (the app's shell; it records first_run_done itself) */
  onRunSetup?: () => void;
}

export function SettingsPage({ client, onRunSetup }: SettingsPageProps) {
  const api = useMemo(() => new SettingsApi(client as Client), [client]);
  const [state, setState] = useState<SettingsState | null>(null);
  const [policy, setPolicy] = useState<PolicyResponse | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [loadError, setLoadError] = useState<string | null>(null);
  const [note, setNote] = useState('');

  useEffect(() => {
    let live = true;
    Promise.all([api.get(), client.policy()]).then(([s, p]) => {
      if (!live) return;
      setState(s);
      setPolicy(p);
    }, (e) => live && setLoadError(message(e)));
    const stopSettings = api.events({
      settings: (s) => setState(s),
      update: (u) => setState((s) => s && { ...s, update: u }),
    });
    const stopPolicy = client.events(['policy'], (_, data) => setPolicy(data as PolicyResponse));
    return () => {
      live = false;
      stopSettings();
      stopPolicy();
    };
  }, [api, client]);

  /** change saves a patch; a refusal goes beside the field it names (key: the patch's field). */
  const change = async (key: string, p: SettingsPatch, done?: string): Promise<boolean> => {
    try {
      const s = await api.patch(p);
      setState((prev) => laterUpdate(prev, s));
      setErrors((e) => ({ ...e, [key]: '' }));
      if (done) setNote(done);
      return true;
    } catch (e) {
      const f = fieldOf(e) ?? key;
      setErrors((es) => ({ ...es, [f]: reasonOf(e, f) }));
      return false;
    }
  };
  const savePolicy = async (p: Policy) => setPolicy(await client.setPolicy(p));
  const setTheme = (t: Theme) => {
    applyTheme(t); // at once; the node's answer and event confirm it
    void change('theme', { theme: t });
  };

  if (loadError) return <section className="settings-page" aria-label="Settings"><p role="alert" className="error">{loadError}</p></section>;
  if (!state || !policy) return <section className="settings-page" aria-label="Settings"><p className="meta">Loading…</p></section>;
  const s = state.settings;
  const modelsPending = state.pending.includes('models_dir');

  return (
    <section className="settings-page" aria-label="Settings" data-testid="settings-page">
      <p role="status" className="meta" data-testid="settings-status">{note}</p>

      <SettingsPagePolicy value={policy} onSave={savePolicy} />

      <SettingsPageApi state={state}
        onRegenerate={async () => {
          const key = await api.regenerateKey();
          setState((st) => st && { ...st, server: { ...st.server, key, key_source: st.server.key_source === 'none' ? 'file' : st.server.key_source } });
          return key;
        }}
        onSave={async (a) => {
          const r = await api.patch({ api: a });
          setState(r);
        }} />

      <section className="card settings-section" aria-labelledby="settings-folders-title">
        <h2 id="settings-folders-title">Folders</h2>
        <p>Data folder (settings, keys, ledger, memory): <code data-testid="settings-data-dir">{state.data_dir}</code></p>
        <TextField id="settings-models_dir" label="Models folder" value={s.models_dir} placeholder={`${state.data_dir}/models`}
          error={errors.models_dir} onRevert={() => setErrors((e) => ({ ...e, models_dir: '' }))}
          hint={<>An absolute path; empty: the data folder&apos;s models. A new folder is used from the next start (models already downloaded stay where they are). In use now: <code>{state.models_dir}</code></>}
          onCommit={(v) => change('models_dir', { models_dir: v.trim() }, 'Models folder saved: it is used from the next start.')} />
        {modelsPending && <p className="settings-pending" data-testid="models-pending">Saved for the next start: until then models are read from {state.models_dir}.</p>}
      </section>

      <section className="card settings-section" aria-labelledby="settings-look-title">
        <h2 id="settings-look-title">Appearance</h2>
        <div className="settings-field">
          <label htmlFor="settings-theme">Theme</label>
          <select id="settings-theme" data-testid="settings-theme" value={s.theme} aria-invalid={errors.theme ? true : undefined}
            aria-describedby={errors.theme ? 'settings-theme-error' : undefined} onChange={(e) => setTheme(e.target.value as Theme)}>
            {themes.map((t) => <option key={t.id} value={t.id}>{t.label}</option>)}
          </select>
          {errors.theme && <p id="settings-theme-error" role="alert" className="error field-error">{errors.theme}</p>}
        </div>
      </section>

      <section className="card settings-section" aria-labelledby="settings-startup-title">
        <h2 id="settings-startup-title">Start and updates</h2>
        <SettingsPageTray />
        <CheckField id="settings-start_at_login" label="Start ARIA when I log in" checked={s.start_at_login} error={errors.start_at_login}
          hint={<>Off unless you turn it on. The entry: <code>{state.autostart.entry}</code></>}
          onChange={(v) => void change('start_at_login', { start_at_login: v }, v ? 'ARIA starts when you log in.' : 'ARIA no longer starts at login.')} />
        <CheckField id="settings-update_check" label="Tell me when a new release is out" checked={s.update_check} error={errors.update_check}
          hint="At most once a day ARIA reads a small release list signed by the project, and tells you here. It never downloads or installs anything."
          onChange={(v) => void change('update_check', { update_check: v })} />
        <SettingsPageUpdate state={state.update} />
      </section>

      <section className="card settings-section" aria-labelledby="settings-firstrun-title">
        <h2 id="settings-firstrun-title">First run</h2>
        <p className="meta">The welcome guide: a model, contribution, privacy.</p>
        <button type="button" data-testid="settings-first-run"
          onClick={() => onRunSetup ? onRunSetup() : void change('first_run_done', { first_run_done: false }, 'The welcome guide shows again.')}>
          Run first-run again
        </button>
        {errors.first_run_done && <p role="alert" className="error">{errors.first_run_done}</p>}
      </section>
    </section>
  );
}
