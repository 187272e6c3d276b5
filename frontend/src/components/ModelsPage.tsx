import { useState } from 'react';
import type { ModelsResponse } from '../api/types';
import { bytes } from '../format';
import { DownloadRow } from './DownloadRow';

export interface ModelsPageProps {
  models: ModelsResponse;
  onDownload(id: string): void;
  onCancel(id: string): void;
  onLoad(name: string): void;
  onRemove(name: string): void;
  onImport(path: string): void;
}

/** ModelsPage lists the catalogue and the local models, with downloads in progress. */
export function ModelsPage({ models, onDownload, onCancel, onLoad, onRemove, onImport }: ModelsPageProps) {
  const [path, setPath] = useState('');
  const progress = new Map(models.downloads.map((d) => [d.id, d]));
  return (
    <section data-testid="models-page" className="models" aria-label="Models">
      <h2>Catalogue</h2>
      <ul>
        {models.catalogue.map((c) => {
          const p = progress.get(c.id);
          return (
            <li key={c.id} className="card">
              <h3>{c.name} {c.synthetic && <span className="badge">random weights</span>}</h3>
              <p>{c.description}</p>
              <p className="meta">{c.repo ? `${c.repo} · ${c.file} · ` : ''}{c.size ? bytes(c.size) : ''}</p>
              {p && p.state !== 'done' ? (
                <DownloadRow p={p} onCancel={() => onCancel(c.id)} onResume={() => onDownload(c.id)} />
              ) : c.downloaded ? (
                <span className="badge">downloaded</span>
              ) : (
                <button data-testid={`download-${c.id}`} onClick={() => onDownload(c.id)}>Download</button>
              )}
            </li>
          );
        })}
      </ul>
      <h2>On this computer</h2>
      <ul>
        {models.local.map((m) => (
          <li key={m.name} className="card">
            <strong>{m.name}</strong> <span className="meta">{bytes(m.size)}</span>
            {m.loaded ? <span className="badge">loaded</span> : <button onClick={() => onLoad(m.name)}>Load</button>}
            {!m.loaded && <button onClick={() => onRemove(m.name)}>Remove</button>}
          </li>
        ))}
        {models.local.length === 0 && <li>No model yet.</li>}
      </ul>
      <h2>Import a GGUF file</h2>
      <form onSubmit={(e) => { e.preventDefault(); if (path.trim()) onImport(path.trim()); }}>
        <label>
          Path
          <input value={path} onChange={(e) => setPath(e.target.value)} placeholder="/home/me/models/model.gguf" />
        </label>
        <button type="submit" disabled={!path.trim()}>Import</button>
      </form>
    </section>
  );
}
