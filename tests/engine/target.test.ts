// The Host field's value (RFC 9110 §7.2, RFC 9112 §3.2): uri-host [ ":" port ] of RFC 3986.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isValidHostValue } from '../../src-main/engine/target';

describe('isValidHostValue', () => {
  it('accepts a reg-name, an IPv4 address or an IP literal, each with an optional port', () => {
    for (const value of [
      'example.test',
      'example.test:8080',
      'EXAMPLE.test:',
      '127.0.0.1:8080',
      'xn--bcher-kva.example',
      'a-b_c~d.e',
      'p%41th',
      "sub!$&'()*+,;=delims",
      '[::1]',
      '[::1]:443',
      '[2001:db8::8a2e:370:7334]',
      '[::ffff:192.0.2.1]:80',
      '[1:2:3:4:5:6:7:8]',
      '[v1.fe80::a+en1]',
      // An empty Host is what a client sends for a target without an authority (RFC 9110 §7.2).
      '',
    ]) {
      assert.equal(isValidHostValue(value), true, value);
    }
  });

  it('rejects what is not uri-host [":" port]', () => {
    for (const value of [
      '{',
      '}',
      '\xff',
      '::1',
      'exa mple',
      'a:b',
      'a:80:80',
      'host:8x',
      'user@host',
      'host/path',
      'host?q',
      '%4',
      '%zz',
      '[::1',
      '::1]',
      '[::1]x',
      '[::1]:8x',
      '[:::1]',
      '[1::2::3]',
      '[12345::1]',
      '[1:2:3:4:5:6:7:8:9]',
      '[1:2:3:4:5:6:7]',
      '[example.test]',
      '[]',
      '[v1.]',
      '[::1.2.3]',
      '[::256.1.1.1]',
      ':80',
    ]) {
      assert.equal(isValidHostValue(value), false, JSON.stringify(value));
    }
  });
});
