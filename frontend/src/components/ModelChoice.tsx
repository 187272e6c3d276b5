import { useState, type FormEvent } from 'react';
import type { Client } from '../api/client';
import type { ModelsResponse } from '../api/types';
import { bytes } from '../format';
import { DownloadRow } from './DownloadRow';

export type ModelClient = Pick<Client, 'demo' | 'download' | 'cancelDownload' | 'importFile' | 'load'>;

export interface ModelChoiceProps {
  client: ModelClient;
  models: ModelsResponse;
  /** the loaded model's id, if any */
  loaded: string | null;
  /** onChanged is told after a model was loaded or a download started (the app re-reads the node) */
  onChanged(): void;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const running = new Set(['queued', 'downloading', 'verifying']);

/**
 * ModelChoice offers the three ways to a model: the official download, a GGUF file on this
 * computer, or the offline demo model (labelled: random weights, its text is gibberish).
 */
export function ModelChoice({ client, models, loaded, onChanged }: ModelChoiceProps) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<{ where: string; text: string } | null>(null);
  const [path, setPath] = useState('');
  const official = models.catalogue.filter((c) => !c.synthetic);

  // Buttons stay enabled while one runs (a disabled button would drop the keyboard's focus); a press while one runs does nothing.
  const run = (where: string, f: () => Promise<unknown>) => async () => {
    if (busy !== null) return;
    setBusy(where);
    setError(null);
    try {
      await f();
    } catch (e) {
      setError({ where, text: message(e) });
    } finally {
      setBusy(null);
      onChanged();
    }
  };
  const failed = (where: string) => error?.where === where && <p role="alert" className="error" data-testid={`model-error-${where}`}>{error.text}</p>;
  const importFile = (e: FormEvent) => {
    e.preventDefault();
    const p = path.trim();
    if (p) void run('file', async () => client.load((await client.importFile(p)).name))();
  };

  return (
    <div className="model-choice">
      <p role="status" data-testid="model-loaded" className={loaded ? 'ok' : 'meta'}>
        {loaded ? `Loaded: ${loaded}. You can chat with it now, or pick another one.` : 'No model is loaded yet.'}
      </p>
      {official.map((c) => {
        const p = models.downloads.find((d) => d.id === c.id);
        const local = models.local.find((l) => l.catalogue_id === c.id || l.file === c.file);
        return (
          <div key={c.id} className="card">
            <h3>Official: {c.name}</h3>
            <p>{c.description}</p>
            <p className="meta">{c.repo ? `From ${c.repo}, ` : ''}{bytes(c.size)}, checked against its SHA-256 after the download.</p>
            {local ? (
              local.loaded ? <span className="badge measured">loaded</span> : (
                <button data-testid={`use-${c.id}`} onClick={run(c.id, () => client.load(local.name))}>
                  Use {c.name}
                </button>
              )
            ) : p && running.has(p.state) ? (
              <DownloadRow p={p} onCancel={() => void run(c.id, () => client.cancelDownload(c.id))()} onResume={() => void run(c.id, () => client.download(c.id))()} />
            ) : (
              <>
                {p && <DownloadRow p={p} onCancel={() => undefined} onResume={() => void run(c.id, () => client.download(c.id))()} />}
                {!p && (
                  <button data-testid={`download-${c.id}`} onClick={run(c.id, () => client.download(c.id))}>
                    Download ({bytes(c.size)})
                  </button>
                )}
              </>
            )}
            {failed(c.id)}
          </div>
        );
      })}
      <form className="card" onSubmit={importFile}>
        <h3>A model file on this computer</h3>
        <label>
          Path of a GGUF file
          <input data-testid="model-path" value={path} onChange={(e) => setPath(e.target.value)} placeholder="/home/me/models/ggml-model-i2_s.gguf" />
        </label>
        <button type="submit" data-testid="model-import" disabled={!path.trim()}>Import and load</button>
        {failed('file')}
      </form>
      <div className="card">
        <h3>Try it offline: the demo model</h3>
        <p>A small model made on this computer in a moment, no download. <strong>Random weights: its text is
          gibberish</strong>; it shows how the app works, its speed and energy figures are real.</p>
        <button data-testid="demo-model" onClick={run('demo', () => client.demo())}>
          {busy === 'demo' ? 'Making the demo model…' : 'Use the demo model'}
        </button>
        {failed('demo')}
      </div>
    </div>
  );
}
