import { describe, expect, it } from 'vitest';
import { SSEParser } from './sse';

const stream = 'data: {"a":1}\n\nevent: metrics\ndata: {"b":"é"}\nid: 7\n\n: keep-alive\n\ndata: [DONE]\n\n';

describe('SSEParser', () => {
  it('parses whole events', () => {
    const ev = new SSEParser().push(stream);
    expect(ev).toEqual([
      { event: 'message', data: '{"a":1}', id: undefined },
      { event: 'metrics', data: '{"b":"é"}', id: '7' },
      { event: 'message', data: '[DONE]', id: undefined },
    ]);
  });

  it('gives the same events when the bytes arrive cut anywhere, even inside a character', () => {
    const bytes = new TextEncoder().encode(stream);
    const whole = new SSEParser().push(bytes);
    for (let size = 1; size <= 9; size++) {
      const p = new SSEParser();
      const got = [];
      for (let i = 0; i < bytes.length; i += size) got.push(...p.push(bytes.slice(i, i + size)));
      expect(got).toEqual(whole);
    }
  });

  it('joins multi-line data and accepts CRLF', () => {
    expect(new SSEParser().push('data: a\r\ndata: b\r\n\r\n')).toEqual([{ event: 'message', data: 'a\nb', id: undefined }]);
  });
});
