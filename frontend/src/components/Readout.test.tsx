import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Readout } from './Readout';

describe('Readout', () => {
  it('labels an estimate as estimated and explains it', () => {
    render(<Readout tokensPerS={31.26} mjPerToken={412.4} energyKind="estimated" energyDetail="estimated: CPU time × 10 W" live={false} />);
    expect(screen.getByTestId('tokens-per-s').textContent).toBe('31.3');
    expect(screen.getByTestId('mj-per-token').textContent).toBe('412');
    const kind = screen.getByTestId('energy-kind');
    expect(kind.textContent).toBe('estimated');
    expect(kind.getAttribute('title')).toContain('CPU time');
  });

  it('labels a measurement as measured, and shows dashes before any figure', () => {
    const { rerender } = render(<Readout live={false} />);
    expect(screen.getByTestId('tokens-per-s').textContent).toBe('—');
    expect(screen.queryByTestId('energy-kind')).toBeNull();
    rerender(<Readout tokensPerS={5} mjPerToken={90} energyKind="measured" live />);
    expect(screen.getByTestId('energy-kind').textContent).toBe('measured');
  });
});
