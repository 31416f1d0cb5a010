import { describe, it } from 'node:test';
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  fsError,
  fsErrorMessage,
  lockOwner,
  UserFacingError,
  type FsAction,
} from '../../src-main/capture/fs-errors';
import { createSession, deleteSession, renameSession } from '../../src-main/capture/sessions';
import { en } from '../../src-renderer/lib/locales/en';
import { zhCN } from '../../src-renderer/lib/locales/zh-CN';
import { interpolate } from '../../src-renderer/lib/translate';
import type { Message } from '../../src-main/protocol/types';

function errno(code: string, syscall = 'mkdir', path = '/x'): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${code}: failed, ${syscall} '${path}'`);
  error.code = code;
  error.syscall = syscall;
  error.path = path;
  return error;
}

/** The message's English text is its catalogue entry, and Chinese exists and differs. */
function assertTranslated(message: Message): void {
  const key = `core.${message.key}`;
  assert.ok(key in en, `${key} is in en`);
  assert.ok(key in zhCN, `${key} is in zh-CN`);
  const catalogue = en as Record<string, string>;
  const chinese = zhCN as Record<string, string>;
  assert.equal(interpolate(catalogue[key] ?? '', message.params), message.text);
  const zh = interpolate(chinese[key] ?? '', message.params);
  assert.doesNotMatch(zh, /\{\w+\}/, 'every placeholder of the Chinese text is filled');
  assert.notEqual(zh, message.text);
}

/** One sentence that names the place and never is (or starts with) a bare errno. */
function assertActionable(message: Message, path: string): void {
  assert.ok(message.text.includes(path), `"${message.text}" names ${path}`);
  assert.doesNotMatch(message.text, /^E[A-Z]+\b/);
  assert.doesNotMatch(message.text, /\b(mkdir|open|rename|unlink)\b '/, 'no syscall dump');
  assert.equal(message.text.split(/[.!?](\s|$)/).filter((s) => s?.trim()).length, 1);
  assert.match(message.text, /: [a-z].*\.$/, 'says what to do after a colon');
}

describe('fsErrorMessage', () => {
  const path = '/data/Socketscope';

  it('names a read-only folder for EACCES, EPERM and EROFS', () => {
    for (const code of ['EACCES', 'EPERM', 'EROFS']) {
      const message = fsErrorMessage(errno(code), path, 'write');
      assert.equal(message.key, 'fs.readOnly', code);
      assert.match(message.text, /read-only or you lack permission/);
      assertActionable(message, path);
      assertTranslated(message);
    }
  });

  it('says "not allowed to read" when reading was refused', () => {
    const message = fsErrorMessage(errno('EACCES', 'open'), path, 'read');
    assert.equal(message.key, 'fs.noReadAccess');
    assertActionable(message, path);
    assertTranslated(message);
  });

  it('names the file that stands where a folder should be (ENOTDIR, EEXIST)', () => {
    const root = mkdtempSync(join(tmpdir(), 'socketscope-fserr-'));
    try {
      const file = join(root, 'home');
      writeFileSync(file, 'not a folder');
      for (const code of ['ENOTDIR', 'EEXIST']) {
        const message = fsErrorMessage(errno(code), join(file, 'sessions', 'x'), 'create');
        assert.equal(message.key, 'fs.notFolder');
        assert.equal(message.params?.path, file, 'the file in the way, not the path asked for');
        assert.match(message.text, /is a file, but Socketscope needs a folder there/);
        assertActionable(message, file);
        assertTranslated(message);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('says the disk is full for ENOSPC and EDQUOT', () => {
    for (const code of ['ENOSPC', 'EDQUOT']) {
      const message = fsErrorMessage(errno(code, 'write'), `${path}/sessions/a/session.log`);
      assert.equal(message.key, 'fs.diskFull', code);
      assert.match(message.text, /is full/);
      assertActionable(message, `${path}/sessions/a/session.log`);
      assertTranslated(message);
    }
  });

  it('says a session is locked by another process, from the store error or a coded one', () => {
    const fromStore = new Error(`The session in ${path} is being recorded by process 4242.`);
    const coded = Object.assign(new Error('locked'), { code: 'ESESSIONLOCKED', pid: 4242 });
    for (const error of [fromStore, coded]) {
      assert.equal(lockOwner(error), 4242);
      const message = fsErrorMessage(error, path, 'open');
      assert.equal(message.key, 'fs.locked');
      assert.equal(message.params?.pid, 4242);
      assertActionable(message, path);
      assertTranslated(message);
    }
  });

  it('covers EISDIR, ENOENT and EMFILE', () => {
    const cases: [string, string][] = [
      ['EISDIR', 'fs.isFolder'],
      ['ENOENT', 'fs.notFound'],
      ['EMFILE', 'fs.tooManyFiles'],
    ];
    for (const [code, key] of cases) {
      const message = fsErrorMessage(errno(code), path, 'read');
      assert.equal(message.key, key);
      assertActionable(message, path);
      assertTranslated(message);
    }
  });

  it('falls back to one sentence per action that still says what to do', () => {
    const actions: FsAction[] = ['read', 'write', 'create', 'delete', 'rename', 'open'];
    for (const action of actions) {
      const message = fsErrorMessage(errno('EIO'), path, action);
      assert.equal(message.key, `fs.failed.${action}`);
      assert.match(message.text, /\(EIO\)/);
      assertActionable(message, path);
      assertTranslated(message);
    }
    // Not even an Error: still a sentence.
    const odd = fsErrorMessage(42, path);
    assert.equal(odd.key, 'fs.failed.write');
    assertActionable(odd, path);
    const empty = fsErrorMessage(new Error(''), path, 'read');
    assert.match(empty.text, /unknown error/);
  });

  it('fsError wraps the message in an Error with the errno as code and the cause kept', () => {
    const cause = errno('EROFS');
    const error = fsError(cause, path, 'write');
    assert.ok(error instanceof UserFacingError);
    assert.equal(error.code, 'EROFS');
    assert.equal(error.message, error.userMessage.text);
    assert.equal(error.cause, cause);
  });

  it('a recursive mkdir refused by a read-only folder (reported as ENOENT) names that folder', () => {
    if (process.getuid?.() !== 0) {
      console.log('# skipped: mounting a read-only tmpfs needs root (chmod does not stop root)');
      return;
    }
    const root = mkdtempSync(join(tmpdir(), 'socketscope-fserr-'));
    try {
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', root]);
      } catch {
        console.log('# skipped: mount -t tmpfs is not allowed here');
        return;
      }
      try {
        const target = join(root, 'Socketscope', 'sessions');
        let caught: unknown;
        try {
          mkdirSync(target, { recursive: true });
        } catch (error) {
          caught = error;
        }
        assert.ok(caught, 'mkdir on a read-only mount fails');
        const message = fsErrorMessage(caught, target, 'create');
        assert.equal(message.key, 'fs.readOnly', message.text);
        assert.equal(message.params?.path, root, 'the folder that refused it');
        assertActionable(message, root);
        // Writing a file there is refused the same way.
        let writeError: unknown;
        try {
          writeFileSync(join(root, 'rules.json'), '{}');
        } catch (error) {
          writeError = error;
        }
        assert.equal(fsErrorMessage(writeError, join(root, 'rules.json')).key, 'fs.readOnly');
      } finally {
        execFileSync('umount', [root]);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('describes a real mkdir failure under a file', () => {
    const root = mkdtempSync(join(tmpdir(), 'socketscope-fserr-'));
    try {
      const file = join(root, 'home');
      writeFileSync(file, '');
      let caught: unknown;
      try {
        mkdirSync(join(file, 'sessions'), { recursive: true });
      } catch (error) {
        caught = error;
      }
      assert.ok(caught, 'mkdir under a file fails');
      const message = fsErrorMessage(caught, join(file, 'sessions'), 'create');
      assert.equal(message.key, 'fs.notFolder');
      assert.equal(message.params?.path, file);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('session folders', () => {
  it('create, rename and delete fail with one sentence naming the place', () => {
    const root = mkdtempSync(join(tmpdir(), 'socketscope-fserr-'));
    try {
      const blocker = join(root, 'sessions');
      writeFileSync(blocker, 'a file where the sessions folder should be');
      assert.throws(
        () => createSession(blocker),
        (error: unknown) =>
          error instanceof UserFacingError &&
          error.userMessage.key === 'fs.notFolder' &&
          error.userMessage.params?.path === blocker,
      );
      if (process.getuid?.() !== 0) {
        console.log('# rename/delete in a read-only folder: skipped, not root');
        return;
      }
      const mounted = join(root, 'ro');
      mkdirSync(mounted);
      const meta = createSession(mounted);
      try {
        execFileSync('mount', ['--bind', mounted, mounted]);
        execFileSync('mount', ['-o', 'remount,bind,ro', mounted]);
      } catch {
        console.log('# rename/delete in a read-only folder: skipped, bind mounts not allowed');
        return;
      }
      try {
        const dir = join(mounted, meta.id);
        for (const [run, action] of [
          [() => renameSession(mounted, meta.id, 'New name'), 'rename'],
          [() => deleteSession(mounted, meta.id), 'delete'],
        ] as const) {
          assert.throws(run, (error: unknown) => {
            assert.ok(error instanceof UserFacingError, `${action}: ${String(error)}`);
            assert.equal(error.userMessage.key, 'fs.readOnly', action);
            assert.ok(error.message.includes(dir), error.message);
            return true;
          });
        }
      } finally {
        execFileSync('umount', [mounted]);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
