import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LedgerEntry, LedgerKind, VerifyResponse } from '../api/types';
import { FakeEvents, fakeNode } from '../test-fakes';
import { LedgerPage } from './LedgerPage';

const self = '12D3KooWCM8fT5yaaJMAAmuU9xspDjEuKx1215qYAZ7CLKgpEMSX';
const other = '12D3KooWRm3yqvT8EWFx1Ju6S7hK2aGb4vRr7LCBtxcH7BbCo7sr';

function entry(seq: number, kind: LedgerKind, over: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    seq, request_id: `chatcmpl-${seq}`, kind, model_sha256: 'd4f57056476abf6e007df33bed3eb6f1', layer_from: 0, layer_to: 4,
    prompt_tokens: 20, gen_tokens: 30, started_at: 1795860601135 + seq * 60_000, duration_ms: 1500, energy_mj: 40 * seq,
    energy_label: 'estimated', requester: self, worker: self, input_hash: 'a', output_hash: 'b', prev_hash: 'c', hash: 'd',
    sig: 'ZQ==', ...over,
  };
}

// The node's ledger: entries oldest first, filtered by kind like GET /api/ledger.
function node(entries: LedgerEntry[], verify: VerifyResponse = { ok: true, report: { owner: self, entries: entries.length, problems: null } }) {
  return fakeNode({
    'GET /api/network': () => ({ body: { peer_id: self } }),
    'GET /api/ledger': (_b, url) => {
      const kind = url.searchParams.get('kind');
      return { body: { entries: entries.filter((e) => !kind || e.kind === kind) } };
    },
    'GET /api/ledger/verify': () => ({ body: verify }),
  });
}

const rows = () => screen.getAllByTestId('ledger-entry').map((r) => within(r).getAllByRole('cell').map((c) => c.textContent));

beforeEach(() => FakeEvents.reset());
afterEach(() => vi.unstubAllGlobals());

describe('LedgerPage', () => {
  it('lists entries newest first, with speed, energy label, who and receipts', async () => {
    const entries = [
      entry(1, 'local'),
      entry(2, 'served', { requester: other, gen_tokens: 12, duration_ms: 400, receipt: { signer: other, payload: 'cA==', sig: 'cw==' } }),
      entry(3, 'remote', { worker: other, energy_label: 'measured', layer_from: 2 }),
    ];
    const { client } = node(entries);
    render(<LedgerPage client={client} />);
    await screen.findAllByTestId('ledger-entry');
    await act(async () => {}); // this node's ID
    const r = rows();
    expect(r.map((c) => c[1])).toEqual(['remote', 'served', 'local']);
    // time, kind, model, layers, tokens, tokens/s, energy, requester, worker, receipt
    expect(r[0].slice(2)).toEqual(['d4f57056', '[2,4)', '20 → 30', '20.0', '120 mJ measured', 'this node', '12D3…bCo7sr', '']);
    expect(r[1].slice(4)).toEqual(['20 → 12', '30.0', '80 mJ estimated', '12D3…bCo7sr', 'this node', 'receipt']);
    expect(r[2][0]).toBe(new Date(entries[0].started_at).toLocaleString());
  });

  it('filters by kind and refreshes on ledger events', async () => {
    const entries = [entry(1, 'local'), entry(2, 'served', { requester: other })];
    const { client, calls } = node(entries);
    const { unmount } = render(<LedgerPage client={client} />);
    await screen.findAllByTestId('ledger-entry');
    fireEvent.change(screen.getByTestId('ledger-filter'), { target: { value: 'served' } });
    await act(async () => {});
    expect(calls.at(-1)?.path).toBe('/api/ledger?limit=1000&kind=served');
    expect(rows().map((c) => c[1])).toEqual(['served']);

    fireEvent.change(screen.getByTestId('ledger-filter'), { target: { value: 'hop' } });
    expect((await screen.findByTestId('ledger-empty')).textContent).toBe('No hop entries.');

    entries.push(entry(3, 'hop', { requester: other }));
    await act(() => FakeEvents.emit('ledger', { request_id: 'chatcmpl-3', kind: 'hop' }));
    expect(rows().map((c) => c[1])).toEqual(['hop']);
    unmount(); // a browser allows few connections to one host: leaving the page closes its stream
    expect(FakeEvents.open).toHaveLength(0);
  });

  it('tells a new user how the first entry appears', async () => {
    const { client } = node([]);
    render(<LedgerPage client={client} />);
    expect((await screen.findByTestId('ledger-empty')).textContent).toContain('Send a message in Chat');
  });

  it('Verify says the ledger is OK with its number of entries', async () => {
    const entries = [entry(1, 'local'), entry(2, 'local'), entry(3, 'hop')];
    const { client } = node(entries);
    render(<LedgerPage client={client} />);
    await screen.findAllByTestId('ledger-entry');
    await act(async () => fireEvent.click(screen.getByTestId('verify')));
    expect(screen.getByTestId('verify-result').textContent).toBe(`Ledger OK: ${entries.length} entries`);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('Verify lists the problems found', async () => {
    const problems = [
      { seq: 2, kind: 'hash mismatch', detail: 'stored 9f2c…, computed 01ab…' },
      { seq: 3, kind: 'chain break', detail: 'prev_hash is not entry 2 hash' },
    ];
    const { client } = node([entry(1, 'local'), entry(2, 'local'), entry(3, 'local')], { ok: false, report: { owner: self, entries: 3, problems } });
    render(<LedgerPage client={client} />);
    await screen.findAllByTestId('ledger-entry');
    await act(async () => fireEvent.click(screen.getByTestId('verify')));
    expect(screen.getByRole('alert').textContent).toContain('Ledger check failed: 2 problems');
    expect(screen.getAllByTestId('verify-problem').map((p) => p.textContent)).toEqual(
      problems.map((p) => `Entry #${p.seq}: ${p.kind} — ${p.detail}`));
    expect(screen.queryByText(/Ledger OK/)).toBeNull();
  });
});
