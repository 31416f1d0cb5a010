import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  errorResponse,
  globToRegExp,
  readSent,
  Responder,
  targetPath,
  type PreparedResponse,
  type ResponderRequest,
} from '../../src-main/capture/responder';
import { defaultAssetsDir } from '../../src-main/capture/default-site';
import type { ResponderRule, RuleResponse } from '../../src-main/protocol/types';

const assetsDir = defaultAssetsDir();
const jpeg = readFileSync(join(assetsDir, 'test.jpg'));

function request(
  method: string,
  target: string,
  extra: Partial<ResponderRequest> = {},
): ResponderRequest {
  return { method, target, versionMajor: 1, versionMinor: 1, keepAlive: true, ...extra };
}

function rule(
  id: string,
  method: string,
  path: string,
  mode: 'exact' | 'prefix' | 'glob',
  response: RuleResponse,
) {
  return {
    id,
    enabled: true,
    name: id,
    match: { method, path, mode },
    response,
    delayMs: 0,
  } satisfies ResponderRule;
}

function text(
  status: number,
  body: string,
  more: Partial<Extract<RuleResponse, { kind: 'structured' }>> = {},
) {
  return {
    kind: 'structured',
    status,
    reason: 'Custom',
    headers: [['Content-Type', 'text/plain']],
    body: { type: 'text', text: body },
    autoContentLength: true,
    autoDate: true,
    chunked: false,
    ...more,
  } satisfies RuleResponse;
}

/** Splits response bytes into head text and body bytes. */
function split(prepared: PreparedResponse): { head: string; body: Buffer } {
  const bytes = Buffer.from(prepared.bytes);
  const end = bytes.indexOf('\r\n\r\n');
  assert.ok(end > 0, 'response has a CRLF-terminated head');
  return { head: bytes.toString('latin1', 0, end), body: bytes.subarray(end + 4) };
}

async function respond(responder: Responder, req: ResponderRequest): Promise<PreparedResponse> {
  return responder.respond(req);
}

describe('target paths and globs', () => {
  it('strips query and fragment and reads the path of absolute-form targets', () => {
    assert.equal(targetPath('/a/b?x=1#f'), '/a/b');
    assert.equal(targetPath('http://example.com:8080/p/q?z'), '/p/q');
    assert.equal(targetPath('http://example.com'), '/');
    assert.equal(targetPath('*'), '*');
  });

  it('`*` stays within one segment, `**` crosses segments', () => {
    assert.ok(globToRegExp('/api/*').test('/api/users'));
    assert.ok(!globToRegExp('/api/*').test('/api/users/7'));
    assert.ok(globToRegExp('/api/**').test('/api/users/7'));
    assert.ok(globToRegExp('/img/*.png').test('/img/cat.png'));
    assert.ok(!globToRegExp('/img/*.png').test('/img/cat.pngx'));
    assert.ok(!globToRegExp('/a.b').test('/aXb'), 'dots are literal');
  });
});

describe('default site', () => {
  const responder = new Responder({ assetsDir, rulesDir: tmpdir(), tutorialExact: false });

  it('serves the page with the image tag and a pointer to the Socketscope window', async () => {
    const { head, body } = split(await respond(responder, request('GET', '/')));
    assert.match(head, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(head, /\r\nContent-Type: text\/html; charset=utf-8/);
    assert.match(head, new RegExp(`\\r\\nContent-Length: ${body.length}(\\r|$)`));
    assert.match(head, /\r\nDate: \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT/);
    assert.match(body.toString(), /<img src="test\.jpg"/);
    assert.match(body.toString(), /Socketscope window/);
  });

  it('serves the JPEG from assets byte for byte', async () => {
    const { head, body } = split(await respond(responder, request('GET', '/test.jpg')));
    assert.match(head, /\r\nContent-Type: image\/jpeg/);
    assert.match(head, /\r\nCache-Control: no-store/, 'a reload requests the image again');
    assert.deepEqual(body, jpeg);
  });

  it('answers HEAD with the GET Content-Length and no body', async () => {
    const prepared = await respond(responder, request('HEAD', '/test.jpg'));
    const { head, body } = split(prepared);
    assert.match(head, new RegExp(`\\r\\nContent-Length: ${jpeg.length}(\\r|$)`));
    assert.equal(body.length, 0);
  });

  it('explains a 404, escaping the path', async () => {
    const { head, body } = split(await respond(responder, request('GET', '/<nope>?q')));
    assert.match(head, /^HTTP\/1\.1 404 Not Found/);
    assert.match(body.toString(), /&#60;nope&#62;/);
    assert.doesNotMatch(body.toString(), /<nope>/);
    const plain = split(await respond(responder, request('GET', '/plain/path?q'))).body.toString();
    assert.match(plain, /<p>There is nothing at <code>\/plain\/path<\/code> on this server\.<\/p>/);
    assert.match(
      plain,
      /<title>404 Not Found: Not found<\/title>[^]*Back to the test page[^]*<\/html>\n$/,
    );
  });

  it('answers 501 to an unknown method and 405 to a known one it does not serve', async () => {
    assert.match(
      split(await respond(responder, request('BREW', '/'))).head,
      /^HTTP\/1\.1 501 Not Implemented/,
    );
    const post = split(await respond(responder, request('POST', '/')));
    assert.match(post.head, /^HTTP\/1\.1 405 Method Not Allowed/);
    assert.match(post.head, /\r\nAllow: GET, HEAD, OPTIONS/);
  });

  it('adds Connection: close when the request does not keep the connection', async () => {
    const prepared = await respond(responder, request('GET', '/', { keepAlive: false }));
    assert.equal(prepared.close, true);
    assert.match(split(prepared).head, /\r\nConnection: close/);
    const kept = await respond(
      responder,
      request('GET', '/', { versionMinor: 0, keepAlive: true }),
    );
    assert.equal(kept.close, false);
    assert.match(split(kept).head, /\r\nConnection: keep-alive/);
  });
});

describe('tutorial-exact mode', () => {
  it("sends the naive socket server's bytes: HTTP/1.x, bare LF, no length, then the close", async () => {
    const responder = new Responder({ assetsDir, rulesDir: tmpdir(), tutorialExact: true });
    const index = await respond(responder, request('GET', '/'));
    const bytes = Buffer.from(index.bytes);
    const head = 'HTTP/1.x 200 OK\nContent-Type: text/html\n\n';
    assert.equal(bytes.toString('latin1', 0, head.length), head);
    assert.match(bytes.toString('utf8', head.length), /^<!doctype html>[^]*<img src="test.jpg"/);
    assert.doesNotMatch(bytes.toString('latin1'), /\r|Content-Length/);
    assert.equal(index.close, true);
    // Whatever the request's version: the exercise always writes the same string.
    const old = await respond(responder, request('GET', '/', { versionMinor: 0 }));
    assert.deepEqual(Buffer.from(old.bytes), bytes);
    // Every path but the image gets the page.
    const other = await respond(responder, request('GET', '/favicon.ico'));
    assert.deepEqual(Buffer.from(other.bytes), bytes);

    const image = await respond(responder, request('GET', '/test.jpg?x=1'));
    const imageHead = '\nHTTP/1.x 200 OK\nContent-Type: image/jpg\n\n';
    assert.deepEqual(
      Buffer.from(image.bytes),
      Buffer.concat([Buffer.from(imageHead, 'latin1'), jpeg]),
    );
    assert.equal(image.close, true);
    assert.equal(image.head?.status, 200);
    assert.equal(image.head?.version, 'HTTP/1.0', 'the head as a browser reads it');
  });

  it('closes anything but GET with no answer', async () => {
    const responder = new Responder({ assetsDir, rulesDir: tmpdir(), tutorialExact: true });
    for (const method of ['HEAD', 'POST', 'OPTIONS', 'BREW']) {
      const prepared = await respond(responder, request(method, '/'));
      assert.equal(prepared.bytes.length, 0, method);
      assert.equal(prepared.close, true, method);
    }
  });

  it('names each deviation of its answers, read once', async () => {
    const responder = new Responder({ assetsDir, rulesDir: tmpdir(), tutorialExact: true });
    const index = await respond(responder, request('GET', '/'));
    const codes = (p: PreparedResponse): string[] =>
      (p.reading?.deviations ?? []).map((d) => `${d.code}@${d.offset}+${d.length}`);
    const bodyLength = index.bytes.length - 40;
    assert.deepEqual(codes(index), [
      'MALFORMED_VERSION@0+8',
      'BARE_LF@15+1',
      'BARE_LF@39+1',
      'BARE_LF@40+1',
      `CLOSE_DELIMITED@41+${bodyLength - 1}`,
    ]);
    assert.equal(index.reading?.ending.state, 'complete');
    const image = await respond(responder, request('GET', '/test.jpg'));
    assert.deepEqual(codes(image), [
      'LEADING_EMPTY_LINE@0+1',
      'MALFORMED_VERSION@1+8',
      'BARE_LF@16+1',
      'BARE_LF@40+1',
      'BARE_LF@41+1',
      `CLOSE_DELIMITED@42+${jpeg.length}`,
    ]);
    assert.equal(await respond(responder, request('GET', '/')), index, 'made once');
  });
});

describe('deviations of what is sent', () => {
  it('the default site is conformant, as its responses claim', async () => {
    const responder = new Responder({ assetsDir, rulesDir: tmpdir(), tutorialExact: false });
    for (const [method, target] of [
      ['GET', '/'],
      ['GET', '/test.jpg'],
      ['GET', '/favicon.ico'],
      ['GET', '/missing'],
      ['HEAD', '/'],
      ['OPTIONS', '*'],
      ['POST', '/'],
      ['BREW', '/'],
    ] as const) {
      for (const keepAlive of [true, false]) {
        const prepared = await respond(responder, request(method, target, { keepAlive }));
        assert.equal(prepared.reading, undefined, 'no reading needed');
        const read = readSent(prepared.bytes, method);
        assert.deepEqual(read.deviations, [], `${method} ${target}`);
        assert.equal(read.ending.state, 'complete');
      }
    }
  });

  it("the server's own error responses are conformant too", () => {
    for (const status of [400, 408, 413, 414, 431, 500, 501, 503, 505]) {
      const { bytes } = errorResponse(status, 'Explained.', [['Retry-After', '5']]);
      assert.deepEqual(readSent(bytes, 'GET').deviations, [], String(status));
    }
  });

  it('a raw rule is read as a browser reads it, once per rule', async () => {
    const raw = 'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 20\r\n\r\nshort';
    const rawRule = rule('r', 'GET', '/raw', 'exact', {
      kind: 'raw',
      base64: Buffer.from(raw, 'latin1').toString('base64'),
    });
    const responder = new Responder({ assetsDir, rulesDir: tmpdir(), tutorialExact: false }, [
      rawRule,
    ]);
    const first = await respond(responder, request('GET', '/raw'));
    assert.deepEqual(
      first.reading?.deviations.map((d) => `${d.code}@${d.offset}+${d.length}`),
      ['CONTENT_LENGTH_TOO_LARGE@58+2'],
    );
    assert.equal(first.reading?.ending.state, 'truncated');
    assert.equal(first.reading?.ending.missing, 15);
    assert.equal(first.reading?.head?.status, 200);
    const second = await respond(responder, request('GET', '/raw'));
    assert.equal(second.reading, first.reading, 'read once');
    const head = await respond(responder, request('HEAD', '/raw'));
    assert.equal(head.reading?.ending.state, 'complete', 'no body expected for HEAD');
  });

  it('a structured rule without Content-Length is close-delimited', async () => {
    const responder = new Responder({ assetsDir, rulesDir: tmpdir(), tutorialExact: false }, [
      rule('s', 'GET', '/s', 'exact', text(200, 'hello', { autoContentLength: false })),
    ]);
    const prepared = await respond(responder, request('GET', '/s'));
    assert.deepEqual(
      prepared.reading?.deviations.map((d) => d.code),
      ['CLOSE_DELIMITED'],
    );
    const conformant = new Responder({ assetsDir, rulesDir: tmpdir(), tutorialExact: false }, [
      rule('t', 'GET', '/t', 'exact', text(200, 'hello')),
    ]);
    assert.deepEqual((await respond(conformant, request('GET', '/t'))).reading?.deviations, []);
  });
});

describe('rules', () => {
  it('first enabled match wins; method `*` matches any; otherwise the default site answers', async () => {
    const responder = new Responder({ assetsDir, rulesDir: tmpdir(), tutorialExact: false }, [
      { ...rule('off', '*', '/api/x', 'exact', text(500, 'disabled')), enabled: false },
      rule('exact', 'GET', '/api/x', 'exact', text(200, 'exact')),
      rule('glob', '*', '/api/**', 'glob', text(201, 'glob')),
      rule('brew', 'BREW', '/', 'prefix', text(418, 'teapot')),
    ]);
    const exact = await respond(responder, request('GET', '/api/x?y=1'));
    assert.equal(exact.ruleId, 'exact');
    assert.equal(split(exact).body.toString(), 'exact');
    assert.equal((await respond(responder, request('POST', '/api/x'))).ruleId, 'glob');
    assert.equal((await respond(responder, request('GET', '/api/a/b'))).ruleId, 'glob');
    assert.equal((await respond(responder, request('BREW', '/pot'))).ruleId, 'brew');
    const head = await respond(responder, request('HEAD', '/api/x'));
    assert.equal(head.ruleId, 'exact', 'a GET rule answers HEAD');
    assert.match(split(head).head, /\r\nContent-Length: 5(\r|$)/);
    assert.equal(split(head).body.length, 0);
    assert.equal((await respond(responder, request('GET', '/'))).ruleId, null);
  });

  it('computes Content-Length and Date unless turned off, replacing a stale length', async () => {
    const responder = new Responder({ assetsDir, rulesDir: tmpdir(), tutorialExact: false }, [
      rule('auto', '*', '/auto', 'exact', {
        ...text(200, 'héllo'),
        headers: [['Content-Length', '1']],
      }),
      rule(
        'manual',
        '*',
        '/manual',
        'exact',
        text(200, 'abc', {
          autoContentLength: false,
          autoDate: false,
          headers: [['Content-Length', '99']],
        }),
      ),
    ]);
    const auto = split(await respond(responder, request('GET', '/auto')));
    assert.match(auto.head, /\r\nContent-Length: 6(\r|$)/);
    assert.doesNotMatch(auto.head, /Content-Length: 1(\r|$)/);
    assert.match(auto.head, /\r\nDate: /);
    const manual = split(await respond(responder, request('GET', '/manual')));
    assert.match(manual.head, /\r\nContent-Length: 99(\r|$)/);
    assert.doesNotMatch(manual.head, /\r\nDate: /);
  });

  it('sends a chunked body when asked', async () => {
    const responder = new Responder({ assetsDir, rulesDir: tmpdir(), tutorialExact: false }, [
      rule('c', '*', '/c', 'exact', text(200, 'chunky', { chunked: true })),
    ]);
    const { head, body } = split(await respond(responder, request('GET', '/c')));
    assert.match(head, /\r\nTransfer-Encoding: chunked/);
    assert.doesNotMatch(head, /Content-Length/);
    assert.equal(body.toString('latin1'), '6\r\nchunky\r\n0\r\n\r\n');
  });

  it('decodes hex and base64 bodies', async () => {
    const responder = new Responder({ assetsDir, rulesDir: tmpdir(), tutorialExact: false }, [
      rule(
        'hex',
        '*',
        '/hex',
        'exact',
        text(200, '', { body: { type: 'hex', hex: 'ff d8 00 41' } }),
      ),
      rule(
        'b64',
        '*',
        '/b64',
        'exact',
        text(200, '', { body: { type: 'base64', base64: 'aGk=' } }),
      ),
    ]);
    assert.deepEqual(
      split(await respond(responder, request('GET', '/hex'))).body,
      Buffer.from([0xff, 0xd8, 0, 0x41]),
    );
    assert.equal(split(await respond(responder, request('GET', '/b64'))).body.toString(), 'hi');
  });

  it('reads file bodies relative to the rules folder; a missing file gives 500 and a notice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socketscope-rules-'));
    writeFileSync(join(dir, 'data.json'), '{"ok":true}');
    const responder = new Responder({ assetsDir, rulesDir: dir, tutorialExact: false }, [
      rule(
        'file',
        '*',
        '/data',
        'exact',
        text(200, '', { body: { type: 'file', path: 'data.json' } }),
      ),
      rule(
        'gone',
        '*',
        '/gone',
        'exact',
        text(200, '', { body: { type: 'file', path: 'missing.bin' } }),
      ),
    ]);
    const file = await respond(responder, request('GET', '/data'));
    assert.equal(split(file).body.toString(), '{"ok":true}');
    const gone = await respond(responder, request('GET', '/gone'));
    assert.match(split(gone).head, /^HTTP\/1\.1 500 /);
    assert.match(split(gone).body.toString(), /missing\.bin.*ENOENT/);
    assert.equal(gone.notice?.key, 'rules.fileUnreadable');
  });

  it('sends raw bytes verbatim and closes afterwards', async () => {
    const raw = Buffer.from('HTTP/1.1 200 OK\nbroken', 'latin1');
    const responder = new Responder({ assetsDir, rulesDir: tmpdir(), tutorialExact: false }, [
      {
        ...rule('raw', 'GET', '/raw', 'exact', { kind: 'raw', base64: raw.toString('base64') }),
        delayMs: 5,
      },
    ]);
    const prepared = await respond(responder, request('GET', '/raw'));
    assert.deepEqual(Buffer.from(prepared.bytes), raw);
    assert.equal(prepared.close, true);
    assert.equal(prepared.head, null);
    assert.equal(prepared.delayMs, 5);
  });
});
