import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Markdown } from './Markdown';

const clipboard = (writeText: (t: string) => Promise<void>) =>
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });

afterEach(() => {
  vi.useRealTimers();
  Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
});

describe('Markdown', () => {
  it('shows raw HTML as text, never as elements', () => {
    const evil = 'Look: <img src=x onerror="window.pwned=1"> and <script>window.pwned=2</script>\n\n<div onclick="x()">block</div>';
    const { container } = render(<Markdown text={evil} />);
    expect(container.querySelector('img, script, div[onclick]')).toBeNull();
    expect(container.textContent).toContain('<img src=x onerror="window.pwned=1">');
    expect(container.textContent).toContain('<script>window.pwned=2</script>');
    expect(container.textContent).toContain('<div onclick="x()">block</div>');
    expect((window as unknown as { pwned?: number }).pwned).toBeUndefined();
  });

  it('never fetches an image: it is a link named by its alt text', () => {
    const { container } = render(<Markdown text={'![a cat](https://example.com/cat.png) and ![](http://example.com/x.gif)\n\n![ref][r]\n\n[r]: https://example.com/r.png'} />);
    expect(container.querySelector('img')).toBeNull();
    const cat = screen.getByRole('link', { name: 'Image: a cat' });
    expect(cat.getAttribute('href')).toBe('https://example.com/cat.png');
    expect(cat.getAttribute('rel')).toContain('noopener');
    expect(screen.getAllByRole('link', { name: 'Image' })[0].getAttribute('href')).toBe('http://example.com/x.gif');
    expect(screen.getByRole('link', { name: 'Image: ref' }).getAttribute('href')).toBe('https://example.com/r.png');
  });

  it('drops javascript: links', () => {
    render(<Markdown text={'[click](javascript:alert(1)) ![x](javascript:alert(2))'} />);
    expect(screen.getByText('click').getAttribute('href') ?? '').not.toMatch(/javascript/i);
    expect(screen.getByText('Image: x').getAttribute('href') ?? '').not.toMatch(/javascript/i);
  });

  it('renders lists, tables (scrolling inside a focusable region) and inline code', () => {
    const { container } = render(<Markdown text={'- one\n- two\n\n1. first\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nrun `ls`'} />);
    expect(screen.getAllByRole('listitem').map((l) => l.textContent)).toEqual(['one', 'two', 'first']);
    const region = screen.getByRole('region', { name: 'Table' });
    expect(region.tabIndex).toBe(0);
    expect(within(region).getAllByRole('cell').map((c) => c.textContent)).toEqual(['1', '2']);
    expect(within(region).getAllByRole('columnheader').map((c) => c.textContent)).toEqual(['a', 'b']);
    expect(container.querySelector('p code')?.textContent).toBe('ls');
    expect(screen.queryByRole('button')).toBeNull(); // inline code has no copy button
  });

  it('gives each code block a named Copy button that copies the code and says "Copied"', async () => {
    vi.useFakeTimers();
    const writeText = vi.fn(async () => {});
    clipboard(writeText);
    render(<Markdown text={'```python\nprint("hi")\n```\n\n```\nplain\n```'} />);
    const blocks = screen.getAllByTestId('code-block');
    expect(blocks).toHaveLength(2);
    expect(blocks[0].querySelector('pre')!.tabIndex).toBe(0); // a long line scrolls from the keyboard
    const copy = within(blocks[0]).getByRole('button', { name: 'Copy python code' });
    expect(within(blocks[1]).getByRole('button', { name: 'Copy code' })).toBeTruthy();
    await act(async () => fireEvent.click(copy));
    expect(writeText).toHaveBeenCalledWith('print("hi")\n');
    expect(copy.textContent).toBe('Copied');
    expect(within(blocks[0]).getByRole('status').textContent).toBe('Copied');
    act(() => vi.advanceTimersByTime(2100));
    expect(copy.textContent).toBe('Copy');
    expect(within(blocks[0]).getByRole('status').textContent).toBe('');
  });

  it('says when copying failed', async () => {
    clipboard(async () => { throw new DOMException('denied', 'NotAllowedError'); });
    render(<Markdown text={'```\nx\n```'} />);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Copy code' })));
    expect(screen.getByRole('status').textContent).toContain('Copy failed');
  });
});
