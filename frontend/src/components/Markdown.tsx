import { useEffect, useRef, useState, type ComponentProps } from 'react';
import ReactMarkdown, { type Components, type ExtraProps } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import '../styles/chat.css';

/**
 * copyText puts text on the clipboard: the Clipboard API, else (an older webview, a page that is
 * not a secure context) a hidden text area and the copy command. It says whether it worked.
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // refused: try the old way
  }
  const back = document.activeElement as HTMLElement | null;
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.style.position = 'fixed';
  ta.style.opacity = '0';
  document.body.appendChild(ta);
  ta.select();
  try {
    return typeof document.execCommand === 'function' && document.execCommand('copy');
  } catch {
    return false;
  } finally {
    ta.remove();
    back?.focus();
  }
}

export interface CopyButtonProps {
  /** the text, or a function that reads it at the click */
  text: string | (() => string);
  /** the button's accessible name ("Copy code", "Copy message") */
  label: string;
  testid?: string;
}

/** CopyButton copies and then says so, on the button and to screen readers ("Copied"). */
export function CopyButton({ text, label, testid }: CopyButtonProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(t);
  }, [state]);
  const copy = async () => setState((await copyText(typeof text === 'function' ? text() : text)) ? 'copied' : 'failed');
  return (
    <>
      <button type="button" className="copy" aria-label={label} data-testid={testid} onClick={() => void copy()}>
        {state === 'copied' ? 'Copied' : 'Copy'}
      </button>
      <span role="status" className="sr-only" data-testid={testid ? `${testid}-status` : undefined}>
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed: select the text and copy it by hand' : ''}
      </span>
    </>
  );
}

type Props<T extends 'pre' | 'img' | 'a' | 'table'> = ComponentProps<T> & ExtraProps;

/** CodeBlock is a fenced block: its language, a Copy button, and the code scrolling inside itself. */
function CodeBlock({ children, node }: Props<'pre'>) {
  const pre = useRef<HTMLPreElement>(null);
  const code = node?.children[0];
  const classes = code?.type === 'element' ? code.properties.className : undefined;
  const lang = Array.isArray(classes) ? String(classes.find((c) => String(c).startsWith('language-')) ?? '').slice(9) : '';
  return (
    <div className="code-block" data-testid="code-block">
      <div className="code-bar">
        <span className="code-lang">{lang}</span>
        <CopyButton text={() => pre.current?.textContent ?? ''} label={lang ? `Copy ${lang} code` : 'Copy code'} testid="copy-code" />
      </div>
      {/* Focusable so that a long line can be scrolled from the keyboard. */}
      <pre ref={pre} tabIndex={0}>{children}</pre>
    </div>
  );
}

/** ImageLink stands for an image: a model's answer never makes the app fetch a remote file. */
function ImageLink({ src, alt }: Props<'img'>) {
  const text = alt ? `Image: ${alt}` : 'Image';
  if (!src || typeof src !== 'string') return <span className="md-image">{text}</span>;
  return <a className="md-image" href={src} target="_blank" rel="noopener noreferrer nofollow">{text}</a>;
}

function Link({ href, children }: Props<'a'>) {
  return <a href={href} target="_blank" rel="noopener noreferrer nofollow">{children}</a>;
}

/** Table scrolls sideways inside the bubble when it is wider; focusable to scroll by keyboard. */
function Table({ children }: Props<'table'>) {
  return (
    <div className="table-scroll" role="region" aria-label="Table" tabIndex={0}>
      <table>{children}</table>
    </div>
  );
}

const components: Components = { pre: CodeBlock, img: ImageLink, a: Link, table: Table };
const plugins = [remarkGfm];

/**
 * Markdown renders an answer: GitHub-flavoured Markdown (lists, tables, code), never raw HTML
 * (react-markdown shows it as text without rehype-raw, which this app does not use) and never a
 * remote image. URLs go through react-markdown's default filter (no javascript:).
 */
export function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown remarkPlugins={plugins} components={components}>{text}</ReactMarkdown>
    </div>
  );
}
