import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import type { LedgerEntry } from '../api/types';
import { FakeEvents, apiError } from '../test-fakes';
import { LedgerPage } from './LedgerPage';
import { entry, ledgerNode, modelA, modelB, other, self } from './LedgerTestNode';

// The cells of each row after the entry's number (a row header): time, kind, model, layers,
// tokens, tokens/s, energy, requester, worker, receipt.
const rows = () => screen.getAllByTestId('ledger-entry').map((r) => within(r).getAllByRole('cell').map((c) => c.textContent));
const seqs = () => screen.getAllByTestId('ledger-entry').map((r) => Number(r.getAttribute('data-seq')));
const ledgerCalls = (calls: { path: string }[]) => calls.map((c) => c.path).filter((p) => p.startsWith('/api/ledger?'));

beforeEach(() => FakeEvents.reset());
afterEach(() => vi.restoreAllMocks());

async function shown() {
  await screen.findAllByTestId('ledger-entry');
  await act(async () => {}); // this node's ID, the choices, the model names
}

describe('LedgerPage', () => {
  it('lists entries newest first, with speed, energy label, who and receipts', async () => {
    const entries = [
      entry(1, 'local'),
      entry(2, 'served', { requester: other, gen_tokens: 12, duration_ms: 400, receipt: { signer: other, payload: 'cA==', sig: 'cw==' } }),
      entry(3, 'remote', { worker: other, energy_label: 'measured', layer_from: 2, energy_mj: 120 }),
      entry(4, 'remote', { worker: other, energy_mj: 0 }),
    ];
    const { client } = ledgerNode(entries);
    render(<LedgerPage client={client} />);
    await shown();
    expect(seqs()).toEqual([4, 3, 2, 1]);
    const r = rows();
    expect(r.map((c) => c[1])).toEqual(['remote', 'remote', 'served', 'local']);
    expect(r[1].slice(2)).toEqual(['d4f57056', '[2,4)', '20 → 30', '20.0', '120 mJ measured', 'this node', '12D3…bCo7sr', '']);
    expect(r[2].slice(4)).toEqual(['20 → 12', '30.0', '80 mJ estimated', '12D3…bCo7sr', 'this node', 'receipt']);
    // A peer's work: its energy is the peer's, not measured here.
    expect(r[0][6]).toBe('— on a peer');
    expect(r[3][0]).toBe(new Date(entries[0].started_at).toLocaleString());
    // Each energy says how it was obtained.
    const energy = screen.getAllByTestId('ledger-energy');
    expect(energy[1].getAttribute('title')).toMatch(/^measured: .*RAPL/);
    expect(energy[2].getAttribute('title')).toMatch(/^estimated: the time the work took × its threads/);
    expect(energy[3].getAttribute('title')).toMatch(/^estimated: this process's CPU time/);
    expect(screen.getByTestId('ledger-count').textContent).toBe('Entries 1–4 of 4, newest first');
  });

  it('filters by kind at once and refreshes on ledger events', async () => {
    const entries = [entry(1, 'local'), entry(2, 'served', { requester: other })];
    const { client, calls } = ledgerNode(entries);
    const { unmount } = render(<LedgerPage client={client} />);
    await shown();
    fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'served' } });
    await waitFor(() => expect(seqs()).toEqual([2]));
    expect(ledgerCalls(calls).at(-1)).toBe('/api/ledger?kind=served&limit=50');
    expect(calls.map((c) => c.path)).toContain('/api/ledger/totals?kind=served');

    fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'hop' } });
    expect((await screen.findByTestId('ledger-empty')).textContent).toBe('No hop entries.');

    entries.push(entry(3, 'hop', { requester: other }));
    await act(() => FakeEvents.emit('ledger', { request_id: 'chatcmpl-3', kind: 'hop' }));
    await waitFor(() => expect(seqs()).toEqual([3]));
    unmount(); // a browser allows few connections to one host: leaving the page closes its stream
    expect(FakeEvents.open).toHaveLength(0);
  });

  it('filters by peer on Apply, by model from the choices (named where known), and by days', async () => {
    const entries = [
      entry(1, 'local'),
      entry(2, 'served', { requester: other, model_sha256: modelB }),
      entry(3, 'hop', { requester: other }),
      entry(4, 'local', { model_sha256: modelB }),
    ];
    const { client, calls } = ledgerNode(entries);
    render(<LedgerPage client={client} />);
    await shown();

    const peer = screen.getByLabelText('Peer');
    fireEvent.change(peer, { target: { value: other } });
    expect(seqs()).toEqual([4, 3, 2, 1]); // typing applies nothing yet
    fireEvent.submit(peer.closest('form')!);
    await waitFor(() => expect(seqs()).toEqual([3, 2]));
    expect(ledgerCalls(calls).at(-1)).toBe(`/api/ledger?peer=${other}&limit=50`);
    // The peers the ledger names are offered.
    const listID = peer.getAttribute('list')!;
    expect(Array.from(document.getElementById(listID)!.querySelectorAll('option'), (o) => o.getAttribute('value'))).toEqual([other]);

    const model = screen.getByLabelText('Model') as HTMLSelectElement;
    expect(Array.from(model.options, (o) => o.textContent)).toEqual(['All models', 'bitnet-2b (d4f57056…)', '0b7a1e2f0b7a…']);
    fireEvent.change(model, { target: { value: modelB } });
    await waitFor(() => expect(seqs()).toEqual([2]));
    expect(ledgerCalls(calls).at(-1)).toBe(`/api/ledger?peer=${other}&model=${modelB}&limit=50`);

    fireEvent.click(screen.getByTestId('ledger-filter-clear'));
    await waitFor(() => expect(seqs()).toEqual([4, 3, 2, 1]));
    expect((screen.getByLabelText('Peer') as HTMLInputElement).value).toBe('');

    // From the start of the From day to the end of the To day, in local time.
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-03-01' } });
    fireEvent.change(screen.getByLabelText('To (that day included)'), { target: { value: '2026-03-02' } });
    await waitFor(() => expect(ledgerCalls(calls).at(-1)).toContain('to='));
    const q = new URLSearchParams(ledgerCalls(calls).at(-1)!.split('?')[1]);
    expect(new Date(q.get('from')!).getTime()).toBe(new Date(2026, 2, 1).getTime());
    expect(new Date(q.get('to')!).getTime()).toBe(new Date(2026, 2, 3).getTime());
    expect(await screen.findByTestId('ledger-empty')).toHaveProperty('textContent', 'No entries match these filters.');
  });

  it("shows the node's refusal at the field it names", async () => {
    const { client } = ledgerNode([entry(1, 'local')], {
      refuse: (q) => (q.get('peer') === 'nobody' ? { ...apiError(400, 'peer: "nobody" is not a peer ID'), body: { error: { message: 'peer: "nobody" is not a peer ID', type: 'invalid_request_error', param: 'peer' } } } : null),
    });
    render(<LedgerPage client={client} />);
    await shown();
    const peer = screen.getByLabelText('Peer');
    fireEvent.change(peer, { target: { value: 'nobody' } });
    fireEvent.submit(peer.closest('form')!);
    const msg = await screen.findByTestId('ledger-filter-error-peer');
    expect(msg.textContent).toBe('peer: "nobody" is not a peer ID');
    expect(peer.getAttribute('aria-invalid')).toBe('true');
    expect(peer.getAttribute('aria-describedby')).toBe(msg.id);
    expect(screen.queryByRole('alert')).toBeNull();

    fireEvent.change(peer, { target: { value: '' } });
    fireEvent.submit(peer.closest('form')!);
    await waitFor(() => expect(screen.queryByTestId('ledger-filter-error-peer')).toBeNull());
    expect(peer.getAttribute('aria-invalid')).toBeNull();
  });

  it('pages through the list by keyboard-operable buttons, saying which entries are shown', async () => {
    const entries = Array.from({ length: 120 }, (_, i) => entry(i + 1, i % 2 ? 'local' : 'served'));
    const { client, calls } = ledgerNode(entries);
    render(<LedgerPage client={client} />);
    await shown();
    expect(seqs()).toHaveLength(50);
    expect(seqs()[0]).toBe(120);
    expect(screen.getByTestId('page-of').textContent).toBe('Page 1 of 3');
    expect(screen.getByTestId('page-prev')).toHaveProperty('disabled', true);

    fireEvent.click(screen.getByTestId('page-next'));
    await waitFor(() => expect(seqs()[0]).toBe(70));
    expect(ledgerCalls(calls).at(-1)).toBe('/api/ledger?limit=50&offset=50');
    expect(screen.getByTestId('ledger-count').textContent).toBe('Entries 51–100 of 120, newest first');

    const next = screen.getByTestId('page-next');
    next.focus();
    fireEvent.click(next);
    await waitFor(() => expect(seqs()).toEqual([20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]));
    expect(screen.getByTestId('page-of').textContent).toBe('Page 3 of 3');
    // Next is now disabled: the focus moved to a button that still works instead of the page.
    expect(next).toHaveProperty('disabled', true);
    expect(document.activeElement).toBe(screen.getByTestId('page-first'));

    fireEvent.change(screen.getByTestId('page-size'), { target: { value: '100' } });
    await waitFor(() => expect(seqs()).toHaveLength(100));
    expect(ledgerCalls(calls).at(-1)).toBe('/api/ledger?limit=100');

    // A filter starts again at the first page.
    fireEvent.click(screen.getByTestId('page-next'));
    await waitFor(() => expect(seqs()).toHaveLength(20));
    fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'local' } });
    await waitFor(() => expect(ledgerCalls(calls).at(-1)).toBe('/api/ledger?kind=local&limit=100'));
    await waitFor(() => expect(seqs()).toHaveLength(60));
    expect(screen.queryByTestId('ledger-pager')).toBeNull(); // one page: no pager
  }, 30_000);

  it('sums what was given, received and run here, labelling the energy', async () => {
    const entries = [
      entry(1, 'served', { requester: other, energy_mj: 1000, energy_label: 'estimated', prompt_tokens: 7, gen_tokens: 9 }),
      entry(2, 'hop', { requester: other, energy_mj: 500, energy_label: 'estimated', prompt_tokens: 3, gen_tokens: 1 }),
      entry(3, 'remote', { worker: other, energy_mj: 0 }),
      entry(4, 'local', { energy_mj: 300, energy_label: 'measured' }),
      entry(5, 'local', { energy_mj: 2000, energy_label: 'estimated' }),
    ];
    const { client } = ledgerNode(entries);
    render(<LedgerPage client={client} />);
    await shown();
    const cells = (id: string) => within(screen.getByTestId(id)).getAllByRole('cell').map((c) => c.textContent);
    expect(screen.getByTestId('ledger-totals').querySelector('caption')!.textContent).toBe('Totals of the 5 entries selected');
    expect(cells('totals-given')).toEqual(['2', '10', '10', '1.50 J estimated']);
    expect(cells('totals-received')).toEqual(['1', '20', '30', 'not measured here']);
    expect(cells('totals-local')).toEqual(['2', '40', '60', '2.30 J: 300 mJ measured + 2.00 J estimated']);

    fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'served' } });
    await waitFor(() => expect(cells('totals-local')).toEqual(['0', '0', '0', '—']));
    expect(cells('totals-given')).toEqual(['1', '7', '9', '1.00 J estimated']);
  });

  it('opens an entry in a dialog: every field, energy and how, its check; Escape returns the focus', async () => {
    const entries = [
      entry(1, 'local', { energy_label: 'measured', energy_mj: 300, gen_tokens: 30 }),
      entry(2, 'served', { requester: other, receipt: { signer: other, payload: 'AQI=', sig: '/w==' } }),
    ];
    const { client, calls } = ledgerNode(entries, {
      verifyEntry: (seq) => (seq === 2
        ? { ok: false, report: { owner: self, entries: 1, problems: [{ seq: 2, kind: 'bad signature', detail: 'not signed by the owner' }] } }
        : { ok: true, report: { owner: self, entries: 1, problems: null } }),
    });
    render(<LedgerPage client={client} />);
    await shown();
    const open = screen.getAllByTestId('ledger-open')[1]; // entry 1
    expect(open.getAttribute('aria-label')).toBe('Entry 1: details');
    open.focus();
    fireEvent.click(open);
    const dialog = await screen.findByRole('dialog', { name: 'Ledger entry #1' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(document.activeElement).toBe(within(dialog).getByRole('heading', { name: 'Ledger entry #1' }));
    await waitFor(() => expect(calls.map((c) => c.path)).toContain('/api/ledger/1'));
    const text = dialog.textContent!;
    for (const s of [entries[0].hash, entries[0].prev_hash, entries[0].input_hash, entries[0].output_hash, modelA, 'abcd' /* sig q80= */,
      'bitnet-2b', 'chatcmpl-1', '1500 ms', '20 prompt → 30 generated (20.0 tokens/s)', '10 mJ per generated token', 'none: the work was this node\'s own']) {
      expect(text).toContain(s);
    }
    const energy = within(dialog).getByTestId('ledger-detail-energy');
    expect(energy.textContent).toContain('300 mJ measured');
    expect(within(energy).getByTestId('ledger-energy-how').textContent).toMatch(/measured: the CPU package's RAPL energy counters/);

    // Check this entry: the answer lands in the dialog's live region.
    fireEvent.click(within(dialog).getByTestId('ledger-detail-verify'));
    const live = within(dialog).getByTestId('ledger-detail-check');
    expect(live.getAttribute('aria-live')).toBe('polite');
    await waitFor(() => expect(live.textContent).toBe(
      "Entry #1 OK: its fields match its hash, the owner's signature holds."));
    expect(calls.at(-1)?.path).toBe('/api/ledger/1/verify');

    // Tab wraps around inside the dialog.
    const close = within(dialog).getByTestId('ledger-detail-close');
    const verify = within(dialog).getByTestId('ledger-detail-verify');
    verify.focus();
    fireEvent.keyDown(verify, { key: 'Tab' });
    expect(document.activeElement).toBe(close);
    fireEvent.keyDown(close, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(verify);

    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(open));

    // Entry 2: the receipt, and a check that fails.
    const open2 = screen.getAllByTestId('ledger-open')[0];
    fireEvent.click(open2);
    const d2 = await screen.findByRole('dialog', { name: 'Ledger entry #2' });
    expect(d2.textContent).toContain('Receipt signed by');
    expect(d2.textContent).toContain(`${other}`);
    expect(d2.textContent).toContain('0102'); // payload AQI=
    fireEvent.click(within(d2).getByTestId('ledger-detail-verify'));
    await waitFor(() => expect(within(d2).getAllByTestId('verify-problem').map((p) => p.textContent)).toEqual(
      ['Entry #2: bad signature — not signed by the owner']));
    expect(within(d2).getByTestId('ledger-detail-check').textContent).toContain('Entry #2 check failed: 1 problem');
    fireEvent.click(within(d2).getByTestId('ledger-detail-close'));
    expect(screen.queryByRole('dialog')).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(open2));
  });

  it('tells a new user how the first entry appears', async () => {
    const { client } = ledgerNode([]);
    render(<LedgerPage client={client} />);
    expect((await screen.findByTestId('ledger-empty')).textContent).toContain('Send a message in Chat');
    expect(screen.queryByTestId('ledger-totals')).toBeNull();
  });

  it('Verify says the ledger is OK with its number of entries, in a live region', async () => {
    const entries = [entry(1, 'local'), entry(2, 'local'), entry(3, 'hop')];
    const { client } = ledgerNode(entries);
    render(<LedgerPage client={client} />);
    await shown();
    const live = screen.getByTestId('verify-live');
    expect(live.getAttribute('aria-live')).toBe('polite');
    await act(async () => fireEvent.click(screen.getByTestId('verify')));
    expect(within(live).getByTestId('verify-result').textContent).toBe(`Ledger OK: ${entries.length} entries`);
    expect(screen.queryByRole('alert')).toBeNull();
    // A new entry: the check no longer covers the ledger.
    await act(() => FakeEvents.emit('ledger', { request_id: 'x', kind: 'local' }));
    expect(screen.queryByTestId('verify-result')).toBeNull();
  });

  it('Verify lists the problems found', async () => {
    const problems = [
      { seq: 2, kind: 'hash mismatch', detail: 'stored 9f2c…, computed 01ab…' },
      { seq: 3, kind: 'chain break', detail: 'prev_hash is not entry 2 hash' },
    ];
    const { client } = ledgerNode([entry(1, 'local'), entry(2, 'local'), entry(3, 'local')], { verify: { ok: false, report: { owner: self, entries: 3, problems } } });
    render(<LedgerPage client={client} />);
    await shown();
    await act(async () => fireEvent.click(screen.getByTestId('verify')));
    expect(screen.getByTestId('verify-result').textContent).toContain('Ledger check failed: 2 problems');
    expect(screen.getAllByTestId('verify-problem').map((p) => p.textContent)).toEqual(
      problems.map((p) => `Entry #${p.seq}: ${p.kind} — ${p.detail}`));
    expect(screen.queryByText(/Ledger OK/)).toBeNull();
  });

  it('exports the filtered list as CSV or JSONL from links that name the node', async () => {
    const entries: LedgerEntry[] = [entry(1, 'local'), entry(2, 'served', { requester: other })];
    const { client, calls } = ledgerNode(entries, { exportBody: (q) => `${q.get('format')} of ${q.get('kind') ?? 'all'}` });
    const saved: { name: string; href: string }[] = [];
    const blobs = new Map<string, Blob>();
    let n = 0;
    // jsdom has no object URLs: these stand in for the browser's, and are put back after.
    const u = URL as unknown as Record<string, unknown>;
    const before = { createObjectURL: u.createObjectURL, revokeObjectURL: u.revokeObjectURL };
    u.createObjectURL = (b: Blob) => { const url = `blob:node/${++n}`; blobs.set(url, b); return url; };
    u.revokeObjectURL = () => {};
    onTestFinished(() => { Object.assign(u, before); });
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push({ name: this.download, href: this.href });
    });
    render(<LedgerPage client={client} />);
    await shown();
    fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'served' } });
    await waitFor(() => expect(seqs()).toEqual([2]));

    const csv = screen.getByTestId('ledger-export-csv') as HTMLAnchorElement;
    expect(csv.getAttribute('href')).toBe('http://node/api/ledger/export?format=csv&kind=served');
    expect(csv.textContent).toBe('CSV');
    expect((screen.getByTestId('ledger-export-jsonl') as HTMLAnchorElement).getAttribute('href')).toBe('http://node/api/ledger/export?format=jsonl&kind=served');
    fireEvent.click(csv);
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(calls.at(-1)?.path).toBe('/api/ledger/export?format=csv&kind=served');
    expect(saved[0].name).toMatch(/^aria-ledger-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = await new Promise<string>((ok) => {
      const r = new FileReader();
      r.onload = () => ok(String(r.result));
      r.readAsText(blobs.get(saved[0].href)!);
    });
    expect(text).toBe(JSON.stringify('csv of served')); // the fake node sends JSON
    expect(screen.getByTestId('ledger-export-result').textContent).toBe('Exported 1 entry as CSV: the file is in your downloads.');
  });
});
