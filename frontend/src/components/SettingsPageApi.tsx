import { useEffect, useRef, useState } from 'react';
import { fieldOf } from '../api/memory';
import { isLoopback, type ApiListen, type SettingsState } from '../api/settings';
import { reasonOf } from './SettingsPageField';

export interface SettingsPageApiProps {
  state: SettingsState;
  /** onSave saves the address and port (they apply at the next start); it rejects with the node's error. */
  onSave(api: ApiListen): Promise<void>;
  /** onRegenerate replaces the key and resolves to the new one. */
  onRegenerate(): Promise<string>;
}

async function copy(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * SettingsPageApi is the API server: where it listens now and from the next start, the key
 * (masked until revealed, regenerated on demand), the base URL to copy, and a confirmation
 * before an address that leaves this computer.
 */
export function SettingsPageApi({ state, onSave, onRegenerate }: SettingsPageApiProps) {
  const { server, settings, pending } = state;
  // The form shows the saved address until the user edits it.
  const [draft, setDraft] = useState<{ address: string; port: string } | null>(null);
  const address = draft?.address ?? settings.api.address;
  const port = draft?.port ?? String(settings.api.port);
  const dirty = draft !== null;
  const [errors, setErrors] = useState<{ address?: string; port?: string; form?: string }>({});
  const [confirm, setConfirm] = useState<ApiListen | null>(null);
  const [reveal, setReveal] = useState(false);
  const [note, setNote] = useState('');
  const cancelRef = useRef<HTMLButtonElement>(null);
  const addressRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (confirm) cancelRef.current?.focus();
  }, [confirm]);

  const base = `${server.url}/v1`;
  const save = async (next: ApiListen) => {
    setConfirm(null);
    try {
      await onSave(next);
      setDraft(null);
      setErrors({});
      setNote(`Saved: the API listens on ${next.address} port ${next.port} from the next start.`);
    } catch (e) {
      const f = fieldOf(e);
      if (f === 'api.address') setErrors({ address: reasonOf(e, f) });
      else if (f === 'api.port') setErrors({ port: reasonOf(e, f) });
      else setErrors({ form: reasonOf(e) });
    }
  };
  const submit = () => {
    const n = Number(port.trim());
    if (port.trim() === '' || !Number.isInteger(n)) {
      setErrors({ port: `"${port}" is not a whole number` });
      return;
    }
    const next = { address: address.trim(), port: n };
    if (next.address !== '' && !isLoopback(next.address) && next.address !== settings.api.address) {
      setConfirm(next); // leaving loopback: ask first
      return;
    }
    void save(next);
  };
  const regenerate = async () => {
    try {
      await onRegenerate();
      setNote('A new key is in force: the old one no longer works. Give the new one to your other clients.');
    } catch (e) {
      setNote(`The key was not regenerated: ${reasonOf(e)}`);
    }
  };
  const errId = (f: 'address' | 'port') => (errors[f] ? `api-${f}-error` : undefined);

  return (
    <section className="card settings-section" aria-labelledby="settings-api-title" data-testid="settings-api">
      <h2 id="settings-api-title">API server</h2>
      <p>
        Listening on <code data-testid="api-url">{server.url}</code>{' '}
        {server.loopback ? '(this computer only: no key needed here)' : '(reachable from other computers: every request needs the key)'}
      </p>
      <p className="row">
        <span>Base URL for OpenAI clients: <code data-testid="api-base-url">{base}</code></span>
        <button type="button" data-testid="api-copy-url" onClick={() => void copy(base).then((ok) => setNote(ok ? 'Base URL copied.' : `Copy failed: select it by hand: ${base}`))}>
          Copy base URL
        </button>
      </p>

      <h3>Key</h3>
      {server.key ? (
        <>
          <p className="row settings-key">
            <span className="sr-only">API key: </span>
            {reveal ? <code data-testid="api-key">{server.key}</code> : (
              <code data-testid="api-key"><span aria-hidden="true">{'•'.repeat(24)}</span><span className="sr-only">hidden</span></code>
            )}
            <button type="button" data-testid="api-key-reveal" aria-pressed={reveal} onClick={() => setReveal((r) => !r)}>
              {reveal ? 'Hide key' : 'Reveal key'}
            </button>
            <button type="button" data-testid="api-key-copy" onClick={() => void copy(server.key).then((ok) => setNote(ok ? 'Key copied.' : 'Copy failed.'))}>
              Copy key
            </button>
          </p>
          {server.key_source === 'flag' && <p className="meta">This key was given with --api-key: a start with that flag uses it again.</p>}
        </>
      ) : (
        <p className="meta" data-testid="api-no-key">No key yet: one is made when the API leaves this computer, or now.</p>
      )}
      <p className="row">
        <button type="button" data-testid="api-key-regenerate" aria-describedby="api-key-regenerate-hint" onClick={() => void regenerate()}>
          {server.key ? 'Regenerate key' : 'Make a key'}
        </button>
        <span id="api-key-regenerate-hint" className="meta">The old key stops working at once; this window switches to the new one.</span>
      </p>

      <h3>Address</h3>
      <form className="settings-api-form" noValidate aria-label="API address" onSubmit={(e) => { e.preventDefault(); submit(); }}>
        <div className="settings-field">
          <label htmlFor="api-address">Address</label>
          <input id="api-address" data-testid="api-address" ref={addressRef} value={address} aria-invalid={errors.address ? true : undefined}
            aria-describedby={['api-address-hint', errId('address')].filter(Boolean).join(' ')}
            onChange={(e) => setDraft({ address: e.target.value, port })} />
          <p id="api-address-hint" className="meta settings-hint">127.0.0.1: this computer only. 0.0.0.0: every network this computer is on.</p>
          {errors.address && <p id="api-address-error" data-testid="api-address-error" role="alert" className="error field-error">{errors.address}</p>}
        </div>
        <div className="settings-field">
          <label htmlFor="api-port">Port</label>
          <input id="api-port" data-testid="api-port" type="number" step={1} value={port} aria-invalid={errors.port ? true : undefined}
            aria-describedby={['api-port-hint', errId('port')].filter(Boolean).join(' ')}
            onChange={(e) => setDraft({ address, port: e.target.value })} />
          <p id="api-port-hint" className="meta settings-hint">1 to 65535; 0: any free port.</p>
          {errors.port && <p id="api-port-error" data-testid="api-port-error" role="alert" className="error field-error">{errors.port}</p>}
        </div>
        <button type="submit" data-testid="api-save" disabled={!dirty}>Save address</button>
        {errors.form && <p role="alert" className="error">{errors.form}</p>}
      </form>
      {confirm && (
        <div role="alertdialog" aria-modal="false" aria-labelledby="api-confirm-title" aria-describedby="api-confirm-text"
          className="settings-confirm" data-testid="api-confirm"
          onKeyDown={(e) => { if (e.key === 'Escape') { setConfirm(null); addressRef.current?.focus(); } }}>
          <h4 id="api-confirm-title">Make the API reachable from other computers?</h4>
          <p id="api-confirm-text">
            On {confirm.address} other computers on your networks can reach this node&apos;s API from the next start. Every request
            will then need the API key; anyone with the key can use your models and your memory.
          </p>
          <p className="row">
            <button type="button" className="danger" data-testid="api-confirm-yes" onClick={() => void save(confirm)}>
              Listen on {confirm.address}
            </button>
            <button type="button" ref={cancelRef} data-testid="api-confirm-no" onClick={() => { setConfirm(null); addressRef.current?.focus(); }}>
              Cancel
            </button>
          </p>
        </div>
      )}
      {pending.includes('api') && (
        <p className="settings-pending" data-testid="api-pending">
          Saved for the next start: {settings.api.address} port {settings.api.port === 0 ? 'any free port' : settings.api.port}. Until then
          the API stays at {server.url}.
        </p>
      )}
      {server.override && (
        <p className="meta" data-testid="api-override">
          This run was started with the address {server.override}; the saved address applies when ARIA starts without one.
        </p>
      )}
      <p role="status" className="meta" data-testid="api-status">{note}</p>
    </section>
  );
}
