import type { CatalogueEntry } from '../api/types';
import { bytes } from '../format';

export interface WelcomeProps {
  catalogue: CatalogueEntry[];
  onDownload(id: string): void;
  onDemo(): void;
}

/** Welcome is the first-start panel when no model is loaded. */
export function Welcome({ catalogue, onDownload, onDemo }: WelcomeProps) {
  const real = catalogue.filter((c) => !c.synthetic);
  return (
    <section className="welcome">
      <h2>Welcome to ARIA</h2>
      <p>ARIA runs ternary (1.58-bit) language models on this computer's CPU. Pick a model to start.</p>
      {real.map((c) => (
        <div key={c.id} className="card">
          <h3>{c.name}</h3>
          <p>{c.description}</p>
          <button data-testid={`download-${c.id}`} onClick={() => onDownload(c.id)}>
            Download ({bytes(c.size)})
          </button>
        </div>
      ))}
      <div className="card">
        <h3>Try it offline</h3>
        <p>A small demo model made on this computer. <strong>Random weights — its output is gibberish</strong>; it shows
          how the app works without a download.</p>
        <button data-testid="demo-model" onClick={onDemo}>Use the demo model</button>
      </div>
    </section>
  );
}
