import { useEffect, useId, useState } from 'react';
import type { MemoryApi } from '../api/memory';
import type { MemoryReembedEvent } from '../api/types';

export interface MemoryReembedProps {
  api: Pick<MemoryApi, 'status' | 'onReembed'>;
}

/**
 * MemoryReembed shows, while the node makes its memories' vectors again with a newly loaded
 * model, how far it is, live from the event stream; nothing when no re-embedding runs.
 */
export function MemoryReembed({ api }: MemoryReembedProps) {
  const [run, setRun] = useState<MemoryReembedEvent | null>(null);
  const label = useId();

  useEffect(() => {
    let live = true;
    let heard = false; // an event is newer than the status, whose answer may come after it
    const stop = api.onReembed((r) => {
      heard = true;
      setRun(r);
    });
    api.status().then(
      (s) => live && !heard && setRun(s.reembed),
      () => undefined, // without the status the events still show the next run
    );
    return () => {
      live = false;
      stop();
    };
  }, [api]);

  if (!run || run.state !== 'running') return null;
  return (
    <section className="card reembed" aria-labelledby={label} data-testid="memory-reembed">
      <p id={label}>
        Re-embedding memories with {run.model}: {run.done}/{run.total}
      </p>
      <progress max={Math.max(run.total, 1)} value={run.done} aria-labelledby={label}
        aria-valuetext={`${run.done} of ${run.total} memories`} />
      <p className="meta">
        Meanwhile search finds memories by their words and spelling only (the words and trigram arms); the model’s
        vectors join in when this is done.
      </p>
    </section>
  );
}
