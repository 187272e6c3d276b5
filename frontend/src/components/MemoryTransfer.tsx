import { useRef, useState } from 'react';
import type { MemoryApi } from '../api/memory';

export interface MemoryTransferProps {
  api: Pick<MemoryApi, 'exportJSONL' | 'importJSONL'>;
  /** onImported runs after a successful import (the list reloads) */
  onImported(n: number): void;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** save hands a blob to the browser as a download. */
function save(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** MemoryTransfer exports every memory as JSONL and imports such a file (all its lines or none). */
export function MemoryTransfer({ api, onImported }: MemoryTransferProps) {
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const file = useRef<HTMLInputElement>(null);

  const doExport = async () => {
    setBusy(true);
    setResult(null);
    try {
      const day = new Date().toISOString().slice(0, 10);
      save(await api.exportJSONL(), `aria-memory-${day}.jsonl`);
      setResult({ ok: true, text: 'Exported: the file is in your downloads.' });
    } catch (e) {
      setResult({ ok: false, text: `Export failed: ${message(e)}` });
    } finally {
      setBusy(false);
    }
  };
  const doImport = async (f: File | undefined) => {
    if (!f) return;
    setBusy(true);
    setResult(null);
    try {
      const n = await api.importJSONL(f);
      setResult({ ok: true, text: `Imported ${n} ${n === 1 ? 'memory' : 'memories'} from ${f.name}.` });
      onImported(n);
    } catch (e) {
      setResult({ ok: false, text: `Import of ${f.name} failed, nothing was stored: ${message(e)}` });
    } finally {
      setBusy(false);
      if (file.current) file.current.value = ''; // the same file again is a new choice
    }
  };

  return (
    <div className="row memory-transfer">
      <button data-testid="memory-export" disabled={busy} onClick={() => void doExport()}>Export (JSONL)</button>
      <label className="file">
        Import JSONL{' '}
        <input ref={file} type="file" accept=".jsonl,.ndjson,application/x-ndjson,application/jsonl,text/plain"
          data-testid="memory-import" disabled={busy} aria-describedby="memory-transfer-result"
          onChange={(e) => void doImport(e.target.files?.[0])} />
      </label>
      <p id="memory-transfer-result" aria-live="polite" className="transfer-result">
        {result && (
          <span role={result.ok ? undefined : 'alert'} className={result.ok ? 'ok' : 'error'} data-testid="memory-transfer-result">
            {result.text}
          </span>
        )}
      </p>
    </div>
  );
}
