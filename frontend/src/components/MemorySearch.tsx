import { useState } from 'react';
import type { MemoryApi, MemoryHit, MemoryWhy } from '../api/memory';

const arms: { key: keyof Omit<MemoryWhy, 'ranks'>; label: string; rank?: string }[] = [
  { key: 'bm25', label: 'Words (BM25)', rank: 'bm25' },
  { key: 'trigram', label: 'Spelling (trigram)', rank: 'trigram' },
  { key: 'vector', label: 'Meaning (vector)', rank: 'vector' },
  { key: 'recency', label: 'Recency' },
  { key: 'importance', label: 'Importance' },
  { key: 'kind', label: 'Kind' },
];

export const score = (x: number | undefined) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(3) : '—');

/** MemorySearch asks the node what it would recall for a text, best first, and why. */
export function MemorySearch({ api, k = 5 }: { api: Pick<MemoryApi, 'search'>; k?: number }) {
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<{ q: string; data: MemoryHit[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const search = async () => {
    const t = q.trim();
    if (!t) {
      setHits(null);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      setHits({ q: t, data: await api.search(t, k) });
    } catch (e) {
      setHits(null);
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card memory-search" aria-labelledby="memory-search-title">
      <h3 id="memory-search-title">Search</h3>
      <form role="search" className="row" onSubmit={(e) => { e.preventDefault(); void search(); }}>
        <label htmlFor="memory-search-q" className="sr-only">Search memories</label>
        <input id="memory-search-q" type="search" value={q} data-testid="memory-search-q" placeholder="What would ARIA recall for…"
          aria-invalid={error ? true : undefined} aria-describedby={error ? 'memory-search-error' : undefined}
          onChange={(e) => setQ(e.target.value)} />
        <button type="submit" data-testid="memory-search-go" disabled={busy}>Search</button>
      </form>
      <div aria-live="polite">
        {error && <p id="memory-search-error" role="alert" className="error">{error}</p>}
        {hits && (
          <p className="meta" data-testid="memory-search-count">
            {hits.data.length === 0 ? `Nothing recalled for “${hits.q}”.` : `${hits.data.length} recalled for “${hits.q}”, best first.`}
          </p>
        )}
      </div>
      {hits && hits.data.length > 0 && (
        <ol className="hits">
          {hits.data.map((h) => (
            <li key={h.id} className="hit" data-testid="memory-hit">
              <div className="row">
                <span className="hit-text">{h.text}</span>
                <span className="badge">{h.kind}</span>
                <span className="score">score <strong data-testid="memory-hit-score">{score(h.score)}</strong></span>
              </div>
              <details data-testid="memory-why">
                <summary>Why recalled</summary>
                <table className="table why">
                  <caption className="sr-only">Scores of each part of the search for this memory</caption>
                  <thead><tr><th scope="col">Part</th><th scope="col">Score</th><th scope="col">Rank</th></tr></thead>
                  <tbody>
                    {arms.map((a) => (
                      <tr key={a.key} data-testid={`why-${a.key}`}>
                        <th scope="row">{a.label}</th>
                        <td>{score(h.why?.[a.key])}</td>
                        <td>{a.rank && h.why?.ranks?.[a.rank] ? `#${h.why.ranks[a.rank]}` : '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
