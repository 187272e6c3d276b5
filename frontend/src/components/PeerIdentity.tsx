import { useRef, useState } from 'react';

/** PeerIdentity shows this node's peer ID (to copy and give to others) and its addresses. */
export function PeerIdentity({ id, addrs }: { id: string; addrs: string[] }) {
  const [copied, setCopied] = useState<string | null>(null);
  const code = useRef<HTMLElement>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(id);
      setCopied('Copied');
    } catch {
      // No clipboard access (an insecure origin, a webview without the permission): select it instead.
      const sel = window.getSelection();
      if (code.current && sel) sel.selectAllChildren(code.current);
      setCopied('Selected: press Ctrl+C');
    }
  };
  return (
    <div className="card identity">
      <h3>This node</h3>
      <p>
        Peer ID <code ref={code} data-testid="peer-id" className="select-all">{id}</code>{' '}
        <button data-testid="copy-peer-id" onClick={() => void copy()}>Copy</button>{' '}
        {copied && <span role="status" className="meta">{copied}</span>}
      </p>
      {addrs.length > 0 ? (
        <ul className="addrs" aria-label="Addresses">
          {addrs.map((a) => <li key={a}><code>{a}</code></li>)}
        </ul>
      ) : (
        <p className="meta">No addresses: this node is not listening for peers.</p>
      )}
    </div>
  );
}
