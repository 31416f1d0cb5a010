// What one upstream read gives the client goes out as one piece: heads (latin1 text) and bytes
// joined in order at the offset of the first, a lone byte part passed on as it is.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatheredOut } from '../../src-main/capture/gathered-out';

const bytes = (text: string): Uint8Array => Buffer.from(text, 'latin1');

test('a head, body pieces and the last chunk become one piece at the first part’s offset', () => {
  const out = new GatheredOut();
  out.begin();
  assert.equal(out.active, true);
  let offset = 120;
  for (const part of [
    'HTTP/1.1 200 OK\r\nX: \xe9\r\n\r\n',
    bytes('5\r\nhello\r\n'),
    bytes('0\r\n\r\n'),
  ]) {
    out.add(part, offset);
    offset += part.length;
  }
  const piece = out.take();
  assert.ok(piece);
  assert.equal(piece.offset, 120);
  assert.equal(
    Buffer.from(piece.bytes).toString('latin1'),
    'HTTP/1.1 200 OK\r\nX: \xe9\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
  );
  assert.equal(piece.bytes.length, offset - 120, 'one byte per latin1 character');
});

test('a lone byte part is passed on without a copy; a text part alone is made bytes', () => {
  const out = new GatheredOut();
  out.begin();
  const body = bytes('payload');
  out.add(body, 7);
  const piece = out.take();
  assert.equal(piece?.bytes, body);
  assert.equal(piece?.offset, 7);
  out.add('HTTP/1.1 204 No Content\r\n\r\n', 14);
  const head = out.take();
  assert.equal(head?.offset, 14);
  assert.equal(Buffer.from(head!.bytes).toString('latin1'), 'HTTP/1.1 204 No Content\r\n\r\n');
});

test('take empties the gathering, which goes on until end gives the rest; nothing gathered gives null', () => {
  const out = new GatheredOut();
  assert.equal(out.active, false);
  assert.equal(out.take(), null);
  out.begin();
  assert.equal(out.take(), null);
  out.add(bytes('ab'), 0);
  out.add(bytes('cd'), 2);
  assert.equal(Buffer.from(out.take()!.bytes).toString(), 'abcd');
  out.add(bytes('ef'), 4);
  const next = out.take();
  assert.equal(next?.offset, 4, 'the next piece starts where it was added');
  assert.equal(Buffer.from(next!.bytes).toString(), 'ef');
  out.add(bytes('gh'), 6);
  const rest = out.end();
  assert.equal(out.active, false);
  assert.equal(rest?.offset, 6, 'end gives what was not taken');
  assert.equal(Buffer.from(rest!.bytes).toString(), 'gh');
  assert.equal(out.end(), null);
});
