import type { UpdateState } from '../api/settings';

const when = (iso: string) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
};

/**
 * SettingsPageUpdate is what the update check found: a newer release with its notes (as plain
 * text) and a link to its page. ARIA never downloads or installs it.
 */
export function SettingsPageUpdate({ state }: { state: UpdateState }) {
  if (!state.enabled) return null;
  const r = state.release;
  return (
    <div className="settings-update" data-testid="update-state">
      {r ? (
        <section className="settings-notice" aria-labelledby="update-title" data-testid="update-notice">
          <h3 id="update-title">ARIA {r.version} is available</h3>
          <p className="meta">You run {state.current || 'an unnamed build'}. Published {when(r.published)}.</p>
          <pre className="settings-notes" data-testid="update-notes">{r.notes}</pre>
          <p>
            <a href={r.url} target="_blank" rel="noopener noreferrer" data-testid="update-link">The release page</a> — download it
            from there when you choose; ARIA does not download or install anything by itself.
          </p>
        </section>
      ) : (
        <p className="meta" data-testid="update-none">
          {state.checked ? `Last checked ${when(state.checked)}: ` : 'Not checked yet. '}
          {state.error ? `nothing offered (${state.error}).` : state.checked ? 'this is the newest release.' : ''}
        </p>
      )}
    </div>
  );
}
