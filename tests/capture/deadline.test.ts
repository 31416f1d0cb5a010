// A connection's one deadline on one timer: it fires once its time has passed, not before; a
// deadline moved later is kept without re-arming the timer; a cleared or replaced one never fires.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Deadline } from '../../src-main/capture/deadline';

type Kind = 'idle' | 'head';

test('a deadline fires once, when its time has passed', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000 });
  const due: [Kind, number][] = [];
  const deadline = new Deadline<Kind>((kind, now) => due.push([kind, now]));
  deadline.set('head', 1_500);
  t.mock.timers.tick(499);
  assert.deepEqual(due, []);
  assert.equal(deadline.current, 'head');
  t.mock.timers.tick(1);
  assert.deepEqual(due, [['head', 1_500]]);
  assert.equal(deadline.current, null);
  t.mock.timers.tick(10_000);
  assert.equal(due.length, 1);
});

test('a deadline moved later fires at its new time, through the timer armed for the old one', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000 });
  const due: [Kind, number][] = [];
  const deadline = new Deadline<Kind>((kind, now) => due.push([kind, now]));
  deadline.set('idle', 1_100);
  // Moved on every "read": each later than the last.
  for (let at = 1_200; at <= 2_000; at += 100) deadline.set('idle', at);
  t.mock.timers.tick(999);
  assert.deepEqual(due, []);
  t.mock.timers.tick(1);
  assert.deepEqual(due, [['idle', 2_000]]);
});

test('a deadline moved earlier re-arms the timer for the earlier time', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000 });
  const due: [Kind, number][] = [];
  const deadline = new Deadline<Kind>((kind, now) => due.push([kind, now]));
  deadline.set('idle', 61_000);
  deadline.set('head', 1_050);
  t.mock.timers.tick(50);
  assert.deepEqual(due, [['head', 1_050]]);
  t.mock.timers.tick(60_000);
  assert.equal(due.length, 1, 'the idle deadline was replaced by the head one');
});

test('clear of another kind keeps the deadline; clear of its kind, clear() and stop() drop it', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000 });
  const due: Kind[] = [];
  const deadline = new Deadline<Kind>((kind) => due.push(kind));
  deadline.set('head', 1_100);
  deadline.clear('idle');
  t.mock.timers.tick(100);
  assert.deepEqual(due, ['head']);

  deadline.set('head', 1_200);
  deadline.clear('head');
  deadline.set('idle', 1_300);
  deadline.clear();
  deadline.set('idle', 1_400);
  deadline.stop();
  t.mock.timers.tick(1_000);
  assert.deepEqual(due, ['head']);
  assert.equal(deadline.current, null);
});
