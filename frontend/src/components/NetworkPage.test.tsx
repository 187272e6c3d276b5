import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NetworkInfo, PeerInfo, Policy } from '../api/types';
import { FakeEvents, apiError, fakeNode } from '../test-fakes';
import { NetworkPage, PEERS_REFRESH_MS } from './NetworkPage';

const self = '12D3KooWCM8fT5yaaJMAAmuU9xspDjEuKx1215qYAZ7CLKgpEMSX';
const other = '12D3KooWRm3yqvT8EWFx1Ju6S7hK2aGb4vRr7LCBtxcH7BbCo7sr';
const third = '12D3KooWPjceQrSwdWXPyLLeABRXmuqt69Rg3sBYbU1Nft9HyQ6X';

const policy: Policy = {
  contribute: false, max_cpu_percent: 50, max_threads: 0, hours: '', pause_on_battery: true, pause_on_metered: true,
  peer_requests_per_minute: 30, max_concurrent: 1,
};

function peer(id: string, contributing: boolean, tokensPerS: number): PeerInfo {
  return {
    id, addrs: [`/ip4/192.168.1.7/tcp/4001/p2p/${id}`], latency_ms: 0.42, seen: new Date(Date.now() - 30_000).toISOString(),
    connection: 'direct',
    caps: {
      version: '0.7.0', kernels: 'avx2', threads: 4, tokens_per_s: tokensPerS, ms_per_layer: 0.8,
      free_memory: 3_200_000_000, contributing, queue_length: 0,
      models: [{ sha256: 'd4f57056476abf6e', name: 'bitnet-2b', layers: 30, from: 0, to: 30, bytes: 1_187_801_280 }],
    },
  };
}

function network(over: Partial<NetworkInfo> = {}): NetworkInfo {
  return {
    peer_id: self, addrs: [`/ip4/127.0.0.1/tcp/37767/p2p/${self}`], joined: true, route: 'local', peers: [],
    policy, contribution: { contributing: false, reason: 'off', active: 0 }, last_route: '', last_hops: [], last_pipeline: null, liars: [], ...over,
  };
}

// A node that keeps the policy it is sent, judging it as backend/policy does for the CPU share.
function node(start: NetworkInfo = network()) {
  let saved = start.policy;
  return fakeNode({
    'GET /api/network': () => ({ body: { ...start, policy: saved } }),
    'PUT /api/policy': (b) => {
      const p = b as Policy;
      if (p.max_cpu_percent < 1 || p.max_cpu_percent > 100) {
        return apiError(400, `max_cpu_percent: ${p.max_cpu_percent} is not between 1 and 100`);
      }
      saved = p;
      return { body: { policy: p, status: p.contribute ? { contributing: true, active: 0 } : { contributing: false, reason: 'off', active: 0 } } };
    },
    'PUT /api/network': (b) => ({ body: b }),
  });
}

beforeEach(() => FakeEvents.reset());
afterEach(() => vi.unstubAllGlobals());

describe('NetworkPage', () => {
  it("shows this node's peer ID and addresses", async () => {
    const { client } = node();
    render(<NetworkPage client={client} />);
    expect((await screen.findByTestId('peer-id')).textContent).toBe(self);
    expect(screen.getByRole('list', { name: 'Addresses' }).textContent).toContain(`/tcp/37767/p2p/${self}`);
  });

  it('the switch sends the whole policy with contribute flipped and shows the new state', async () => {
    const { client, calls } = node();
    render(<NetworkPage client={client} />);
    const sw = await screen.findByRole('switch', { name: /Contribute to the network/ });
    expect(sw.getAttribute('aria-checked')).toBe('false');
    expect(screen.getByTestId('contribution-status').textContent).toContain('switched off');

    await act(async () => fireEvent.click(sw));
    const put = calls.filter((c) => c.method === 'PUT' && c.path === '/api/policy');
    expect(put).toHaveLength(1);
    expect(put[0].body).toEqual({ ...policy, contribute: true });
    expect(sw.getAttribute('aria-checked')).toBe('true');
    expect(screen.getByTestId('contribution-status').textContent).toMatch(/^Contributing/);

    await act(async () => fireEvent.click(sw));
    expect(calls.filter((c) => c.method === 'PUT').at(-1)?.body).toEqual(policy);
    expect(sw.getAttribute('aria-checked')).toBe('false');
  });

  it('says why the node is not contributing while switched on', async () => {
    const { client } = node(network({
      policy: { ...policy, contribute: true, hours: '22:00-07:00' },
      contribution: { contributing: false, reason: 'outside hours 22:00-07:00', active: 0 },
    }));
    render(<NetworkPage client={client} />);
    expect((await screen.findByRole('switch')).getAttribute('aria-checked')).toBe('true');
    expect(screen.getByTestId('contribution-status').textContent).toContain('outside hours 22:00-07:00');
  });

  it("shows the node's message when it refuses the policy, at the field it names", async () => {
    const { client, calls } = node();
    render(<NetworkPage client={client} />);
    const cpu = await screen.findByTestId('policy-max_cpu_percent');
    fireEvent.change(cpu, { target: { value: '150' } });
    fireEvent.change(screen.getByTestId('policy-max_concurrent'), { target: { value: '2' } });
    await act(async () => fireEvent.click(screen.getByTestId('policy-save')));
    expect(calls.at(-1)).toMatchObject({ method: 'PUT', path: '/api/policy', body: { ...policy, max_cpu_percent: 150, max_concurrent: 2 } });
    expect(screen.getByRole('alert').textContent).toBe('max_cpu_percent: 150 is not between 1 and 100');
    expect(cpu.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('policy-max_concurrent').getAttribute('aria-invalid')).toBeNull();

    fireEvent.change(cpu, { target: { value: '25' } });
    await act(async () => fireEvent.click(screen.getByTestId('policy-save')));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getAllByRole('status').map((s) => s.textContent)).toContain('Saved');
    expect((screen.getByTestId('policy-max_cpu_percent') as HTMLInputElement).value).toBe('25');

    // The metered-network pause is sent as set.
    fireEvent.click(screen.getByTestId('policy-pause_on_metered'));
    await act(async () => fireEvent.click(screen.getByTestId('policy-save')));
    expect(calls.at(-1)).toMatchObject({ method: 'PUT', path: '/api/policy', body: { pause_on_metered: false } });
  });

  it('marks the peers caught lying, from the ledger and as they are caught', async () => {
    const caught = {
      at: Date.parse('2026-12-01T10:00:00Z'), claimed: 'aa'.repeat(32), computed: 'bb'.repeat(32), evidence: 3,
      layer_from: 8, layer_to: 16, peer: other, pos: 40, request_id: 'chatcmpl-1',
    };
    const { client } = node(network({ peers: [peer(other, true, 41.2), peer(third, true, 12)], liars: [caught] }));
    render(<NetworkPage client={client} />);
    await screen.findAllByTestId('peer');
    const row = (id: string) => screen.getAllByTestId('peer').find((r) => r.getAttribute('data-peer') === id)!;
    expect(within(row(other)).queryByTestId('peer-liar')?.textContent).toBe('caught lying');
    expect(within(row(third)).queryByTestId('peer-liar')).toBeNull();
    const table = screen.getByRole('region', { name: 'Caught lying' });
    const cells = within(table).getAllByRole('cell').map((c) => c.textContent);
    expect([cells[0], cells[2], cells[3], cells[4]]).toEqual(['12D3…bCo7sr', 'chatcmpl-1', '8–16', '40']);

    await act(() => FakeEvents.emit('liar', {
      peer: third, request_id: 'chatcmpl-2', layers: [16, 24], pos: 7, claimed: 'cc'.repeat(32), computed: 'dd'.repeat(32),
    }));
    expect(within(row(third)).getByTestId('peer-liar').textContent).toBe('caught lying');
    expect(screen.getAllByTestId('liar')).toHaveLength(2);
  });

  it('lists the peers and follows peers events', async () => {
    const { client } = node();
    const { unmount } = render(<NetworkPage client={client} />);
    expect((await screen.findByTestId('peers-empty')).textContent).toContain('aria serve --bootstrap');

    await act(() => FakeEvents.emit('peers', [peer(other, true, 41.2)]));
    const rows = screen.getAllByTestId('peer');
    expect(rows).toHaveLength(1);
    expect(within(rows[0]).getByRole('rowheader').textContent).toBe('12D3…bCo7sr Copy');
    const cells = within(rows[0]).getAllByRole('cell').map((c) => c.textContent);
    expect(cells).toEqual(['bitnet-2b all 30 layers d4f57056476abf6e', 'avx2', '41.2', '0.4 ms', 'direct', 'contributing', '30 s ago', '—']);
    expect(screen.getAllByTestId('graph-peer').map((g) => g.getAttribute('data-peer'))).toEqual([other]);

    await act(() => FakeEvents.emit('peers', [peer(other, false, 38), peer(third, true, 12)]));
    const now = screen.getAllByTestId('peer').map((r) => [r.getAttribute('data-peer'), ...within(r).getAllByRole('cell').map((c) => c.textContent)]);
    expect(now.map((c) => [c[0], c[3], c[6]])).toEqual([[third, '12.0', 'contributing'], [other, '38.0', 'not contributing']]);
    expect(screen.getAllByTestId('graph-peer')).toHaveLength(2);
    expect(screen.queryByTestId('peers-empty')).toBeNull();
    unmount(); // leaving the page closes its event stream
    expect(FakeEvents.open).toHaveLength(0);
  });

  it('reads the peers again now and then: round trips and last-seen times change without an event', async () => {
    vi.useFakeTimers({ toFake: ['setInterval'] });
    try {
      let latency = 0.42;
      const { client, calls } = fakeNode({
        'GET /api/network': () => ({ body: network({ peers: [{ ...peer(other, true, 41.2), latency_ms: latency }] }) }),
      });
      render(<NetworkPage client={client} />);
      const row = await screen.findByTestId('peer');
      expect(within(row).getAllByRole('cell')[3].textContent).toBe('0.4 ms');
      latency = 7.5;
      await act(async () => vi.advanceTimersByTime(PEERS_REFRESH_MS));
      await waitFor(() => expect(within(screen.getByTestId('peer')).getAllByRole('cell')[3].textContent).toBe('7.5 ms'));
      expect(calls.filter((c) => c.path === '/api/network')).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('says how to join when the node is not on the network', async () => {
    const { client } = node(network({ joined: false, addrs: [] }));
    render(<NetworkPage client={client} />);
    expect((await screen.findByTestId('peers-empty')).textContent).toContain('--no-p2p');
  });

  it('sets the route and draws the current generation\'s route live from route events; a failover redraws it', async () => {
    const { client, calls } = node(network({ peers: [peer(other, true, 41.2), peer(third, true, 12)] }));
    render(<NetworkPage client={client} />);
    expect((await screen.findByTestId('route-local') as HTMLInputElement).checked).toBe(true);
    expect(screen.getByTestId('route-empty').textContent).toContain('No pipelined request yet');

    await act(async () => fireEvent.click(screen.getByTestId('route-pipeline')));
    expect(calls.at(-1)).toMatchObject({ method: 'PUT', path: '/api/network', body: { route: 'pipeline' } });
    expect((screen.getByTestId('route-pipeline') as HTMLInputElement).checked).toBe(true);

    const hop = (p: string, from: number, to: number, ms: number, steps: number) =>
      ({ hop: `${p}[${from},${to})`, peer: p, from, to, ms, last_ms: ms, steps, tokens: steps });
    const ev = (hops: ReturnType<typeof hop>[], state: 'running' | 'ended', failovers: number) =>
      ({ request_id: 'r1', route: hops.map((h) => h.hop).join(' → '), hops, failovers, state });
    const items = () => screen.getAllByTestId('route-hop').map((li) => [li.getAttribute('data-peer'), li.getAttribute('data-ms')]);

    await act(() => FakeEvents.emit('route', ev([hop('local', 0, 2, 0, 0), hop(other, 2, 4, 0, 0), hop(third, 4, 6, 0, 0)], 'running', 0)));
    expect(items()).toEqual([['local', '0'], [other, '0'], [third, '0']]);
    expect(screen.getByTestId('route-state').textContent).toMatch(/^Running/);
    expect(screen.getAllByTestId('graph-route-edge')).toHaveLength(3);

    await act(() => FakeEvents.emit('route', ev([hop('local', 0, 2, 0.9, 40), hop(other, 2, 4, 3.25, 40), hop(third, 4, 6, 2.5, 40)], 'running', 0)));
    expect(items()).toEqual([['local', '0.9'], [other, '3.25'], [third, '2.5']]);
    expect(screen.getAllByTestId('graph-hop').map((t) => t.textContent)).toEqual(['1: 0–2 · 0.9 ms', '2: 2–4 · 3.3 ms', '3: 4–6 · 2.5 ms']);

    await act(() => FakeEvents.emit('route', ev([hop('local', 0, 2, 0.9, 60), hop(other, 2, 4, 3.25, 60), hop('local', 4, 6, 1.1, 60)], 'running', 1)));
    expect(items()).toEqual([['local', '0.9'], [other, '3.25'], ['local', '1.1']]);
    expect(screen.getAllByTestId('graph-route-edge')).toHaveLength(2); // this node → other → back
    expect(screen.getByTestId('route-announce').textContent).toContain('failover');

    await act(() => FakeEvents.emit('route', ev([hop('local', 0, 2, 0.9, 80), hop(other, 2, 4, 3.25, 80), hop('local', 4, 6, 1.1, 80)], 'ended', 1)));
    expect(screen.getByTestId('route-state').textContent).toMatch(/^Last request, ended.*1 failover/);
  });

  it('shows a route the node refuses', async () => {
    const { client } = fakeNode({
      'GET /api/network': () => ({ body: network() }),
      'PUT /api/network': () => apiError(400, 'route "x": want local, remote or pipeline'),
    });
    render(<NetworkPage client={client} />);
    const remote = await screen.findByTestId('route-remote');
    await act(async () => fireEvent.click(remote));
    expect(screen.getByRole('alert').textContent).toContain('want local, remote or pipeline');
    expect((screen.getByTestId('route-local') as HTMLInputElement).checked).toBe(true);
  });
});
