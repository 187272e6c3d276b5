import { fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { energyText, energyHow } from './LedgerEnergy';
import { LedgerFilters, emptyForm, localDay, toFilter, type FilterForm } from './LedgerFilters';

const tz = process.env.TZ;
afterEach(() => {
  process.env.TZ = tz;
});

describe('the filter form', () => {
  it('turns days into the start of the From day and the end of the To day, in local time', () => {
    process.env.TZ = 'Europe/Berlin';
    // 29 March 2026 is 23 hours long in Berlin (summer time starts): days are calendar days, not 24 h.
    expect(localDay('2026-03-29')).toBe('2026-03-28T23:00:00Z');
    expect(localDay('2026-03-29', 1)).toBe('2026-03-29T22:00:00Z');
    expect(toFilter({ ...emptyForm, from: '2026-03-29', to: '2026-03-29', peer: '  12D3KooWabc  ' }))
      .toEqual({ kind: '', peer: '12D3KooWabc', model: '', from: '2026-03-28T23:00:00Z', to: '2026-03-29T22:00:00Z' });
    process.env.TZ = 'UTC';
    expect(localDay('2026-12-31', 1)).toBe('2027-01-01T00:00:00Z');
    expect(localDay('')).toBeUndefined();
    expect(localDay('31/12/2026')).toBeUndefined();
  });

  it('applies lists and dates at once, the peer only on submit, and names every field', () => {
    const onApply = vi.fn<(f: FilterForm) => void>();
    render(<LedgerFilters value={emptyForm} onApply={onApply} models={[]} modelNames={{}} peers={[]} error={null} />);
    expect(screen.getByRole('form', { name: 'Filter the ledger' })).toBeTruthy();
    for (const name of ['Kind', 'Peer', 'Model', 'From', 'To (that day included)']) expect(screen.getByLabelText(name)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Peer'), { target: { value: 'abc' } });
    expect(onApply).not.toHaveBeenCalled();
    fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'hop' } });
    expect(onApply).toHaveBeenLastCalledWith({ ...emptyForm, kind: 'hop', peer: 'abc' });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    expect(onApply).toHaveBeenCalledTimes(2);
  });
});

describe('energy', () => {
  it('keeps figures short and says how each kind of entry got its figure', () => {
    expect([999, 1000, 12_345, 2_500_000].map(energyText)).toEqual(['999 mJ', '1.00 J', '12.3 J', '2.50 kJ']);
    expect(energyHow({ kind: 'remote', energy_mj: 0, energy_label: 'estimated' })).toMatch(/^not measured here/);
    expect(energyHow({ kind: 'local', energy_mj: 5, energy_label: 'measured' })).toMatch(/^measured: .*RAPL/);
    expect(energyHow({ kind: 'hop', energy_mj: 5, energy_label: 'estimated' })).toMatch(/^estimated: the time the work took/);
    expect(energyHow({ kind: 'local', energy_mj: 5, energy_label: 'estimated' })).toMatch(/^estimated: this process's CPU time/);
  });
});
