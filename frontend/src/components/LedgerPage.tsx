import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, type Client } from '../api/client';
import type { LedgerChoices, LedgerTotals as Totals } from '../api/generated';
import { LedgerApi, type ExportFormat } from '../api/ledger';
import type { LedgerEntry, LedgerList, VerifyResponse } from '../api/types';
import '../styles/ledger.css';
import { LedgerEntryDetail } from './LedgerEntryDetail';
import { LedgerFilters, emptyForm, toFilter, type FieldError, type FilterForm } from './LedgerFilters';
import { LedgerPager, LedgerTable } from './LedgerTable';
import { LedgerTotals } from './LedgerTotals';
import { LedgerVerifyResult } from './LedgerVerifyResult';

export type LedgerClient = Pick<Client, 'send' | 'events' | 'url' | 'network' | 'models'>;

const filterFields = ['kind', 'peer', 'model', 'from', 'to'];
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

/**
 * LedgerPage is the signed record of inferences: a filtered, paged list newest first, the
 * totals of what the filter selects, each entry's detail, Verify, and the filtered list as CSV
 * or JSONL. It follows the node: a new entry reloads the page.
 */
export function LedgerPage({ client }: { client: LedgerClient }) {
  const api = useMemo(() => new LedgerApi(client), [client]);
  const [form, setForm] = useState<FilterForm>(emptyForm);
  const [offset, setOffset] = useState(0);
  const [limit, setLimit] = useState(50);
  const [list, setList] = useState<LedgerList | null>(null);
  const [totals, setTotals] = useState<Totals | null>(null);
  const [choices, setChoices] = useState<LedgerChoices>({ models: [], peers: [] });
  const [modelNames, setModelNames] = useState<Record<string, string>>({});
  const [self, setSelf] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<FieldError | null>(null);
  const [check, setCheck] = useState<VerifyResponse | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [exported, setExported] = useState<{ ok: boolean; text: string } | null>(null);
  const [open, setOpen] = useState<LedgerEntry | null>(null);
  const opener = useRef<HTMLElement | null>(null);
  const table = useRef<HTMLDivElement>(null);
  const latest = useRef(0); // answers to older requests (another filter, another page) are dropped
  const filter = useMemo(() => toFilter(form), [form]);

  const load = useCallback(async () => {
    const n = ++latest.current;
    try {
      const [l, t] = await Promise.all([api.list(filter, limit, offset), api.totals(filter)]);
      if (n !== latest.current) return;
      if (l.entries.length === 0 && l.total > 0 && offset > 0) {
        setOffset(Math.floor((l.total - 1) / limit) * limit); // past the end: the last page
        return;
      }
      setList(l);
      setTotals(t);
      setError(null);
      setFieldError(null);
    } catch (e) {
      if (n !== latest.current) return;
      if (e instanceof ApiError && e.param && filterFields.includes(e.param)) {
        setFieldError({ field: e.param, message: e.message });
        setError(null);
      } else {
        setError(message(e));
      }
    }
  }, [api, filter, limit, offset]);
  const loadChoices = useCallback(() => api.choices().then(setChoices, () => {}), [api]);

  const reload = useRef(load);
  reload.current = load;
  useEffect(() => void load(), [load]);
  useEffect(() => {
    void loadChoices();
    client.network().then((n) => setSelf(n.peer_id), () => setSelf(''));
    client.models().then((m) => {
      const names: Record<string, string> = {};
      for (const c of m.catalogue) if (c.sha256) names[c.sha256] = c.name;
      for (const l of m.local) if (l.sha256) names[l.sha256] = l.name;
      setModelNames(names);
    }, () => {});
  }, [client, loadChoices]);
  useEffect(() => {
    // Pipelines record an entry per hop: reload at most a few times a second.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = api.onEntry(() => {
      setCheck(null); // a new entry: the last check no longer covers the whole ledger
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        void reload.current();
        void loadChoices();
      }, 250);
    });
    return () => {
      stop();
      if (timer) clearTimeout(timer);
    };
  }, [api, loadChoices]);

  const apply = (f: FilterForm) => {
    setForm(f);
    setOffset(0);
  };

  const verify = async () => {
    if (verifying) return;
    setVerifying(true);
    setCheck(null);
    setError(null);
    try {
      setCheck(await api.verify());
    } catch (e) {
      setError(message(e));
    } finally {
      setVerifying(false);
    }
  };

  const fileName = (format: ExportFormat) => `aria-ledger-${new Date().toISOString().slice(0, 10)}.${format}`;
  const doExport = async (format: ExportFormat) => {
    setExported(null);
    try {
      save(await api.exportFile(filter, format), fileName(format));
      const n = list?.total ?? 0;
      setExported({ ok: true, text: `Exported ${n} ${n === 1 ? 'entry' : 'entries'} as ${format.toUpperCase()}: the file is in your downloads.` });
    } catch (e) {
      setExported({ ok: false, text: `Export failed: ${message(e)}` });
    }
  };

  const openEntry = (e: LedgerEntry, from: HTMLElement) => {
    opener.current = from;
    setOpen(e);
  };
  const closeEntry = () => {
    const seq = open?.seq;
    setOpen(null);
    // Back to the row's button; if the row is gone (the list moved on), to the table.
    const from = opener.current;
    const back = from?.isConnected
      ? from
      : table.current?.querySelector<HTMLElement>(`[data-seq="${seq}"] button`) ?? table.current;
    setTimeout(() => back?.focus(), 0);
  };

  const filtered = JSON.stringify(form) !== JSON.stringify(emptyForm);
  const onlyKind = form.kind && JSON.stringify({ ...form, kind: '' }) === JSON.stringify(emptyForm);
  const entries = list?.entries ?? [];
  const shown = list && list.total > 0
    ? `Entries ${list.offset + 1}–${list.offset + entries.length} of ${list.total}, newest first`
    : '';

  return (
    <section className="ledger" aria-label="Ledger" data-testid="ledger-page">
      <LedgerFilters value={form} onApply={apply} models={choices.models} modelNames={modelNames} peers={choices.peers} error={fieldError} />
      <div className="toolbar ledger-actions">
        {/* aria-disabled, not disabled: a disabled button would drop the keyboard's focus to the page */}
        <button type="button" data-testid="verify" aria-disabled={verifying} onClick={() => void verify()}>Verify</button>
        <span className="ledger-exports">
          Export {filtered ? 'the filtered list' : 'the ledger'}:{' '}
          {(['csv', 'jsonl'] as const).map((f) => (
            <a key={f} href={api.exportURL(filter, f)} download={fileName(f)} data-testid={`ledger-export-${f}`}
              onClick={(ev) => { ev.preventDefault(); void doExport(f); }}>
              {f.toUpperCase()}
            </a>
          ))}
        </span>
      </div>
      <div aria-live="polite" data-testid="verify-live" className="ledger-live">
        {verifying && <p className="meta">Verifying every entry, the chain and the signed head…</p>}
        {check && <LedgerVerifyResult r={check} />}
        {exported && <p className={exported.ok ? 'ok' : 'error'} data-testid="ledger-export-result">{exported.text}</p>}
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {totals && totals.entries > 0 && <LedgerTotals t={totals} />}
      {list === null && !error && !fieldError && <p className="meta">Loading…</p>}
      <p aria-live="polite" className="meta" data-testid="ledger-count">{shown}</p>
      {list && list.total === 0 && (
        <p data-testid="ledger-empty" className="card">
          {onlyKind
            ? `No ${form.kind} entries.`
            : filtered
              ? 'No entries match these filters.'
              : 'No entries yet — every request this node runs, or runs for a peer, is recorded here, signed and chained. Send a message in Chat to make the first one.'}
        </p>
      )}
      {entries.length > 0 && (
        <div ref={table} tabIndex={-1} className="ledger-table-wrap">
          <LedgerTable entries={entries} self={self} onOpen={openEntry} caption={shown} />
        </div>
      )}
      {list && list.total > limit && (
        <LedgerPager total={list.total} offset={offset} limit={limit} onPage={setOffset}
          onLimit={(n) => { setLimit(n); setOffset(0); }} />
      )}
      {open && (
        <LedgerEntryDetail entry={open} api={api} self={self} modelName={modelNames[open.model_sha256]} onClose={closeEntry} />
      )}
    </section>
  );
}
