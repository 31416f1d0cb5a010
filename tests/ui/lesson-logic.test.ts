// The guided lesson's step logic: each check turns done from the live events it waits for.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CoreEvent, ServerState } from '../../src-main/protocol/types';
import {
  checkDone,
  currentStep,
  initialFacts,
  observe,
  partsMissing,
  stepDone,
  targetPath,
  withPart,
  withSelection,
} from '../../src-renderer/lib/lesson';
import { labRule } from '../../src-renderer/lib/breaks';
import { bytesToBase64 } from '../../src-renderer/lib/bytes';
import { summaryMaker } from './summary-fixture';

const exchange = summaryMaker(1000);

function server(patch: Partial<ServerState>): CoreEvent {
  return {
    type: 'server',
    state: {
      status: 'listening',
      host: '127.0.0.1',
      port: 8080,
      url: 'http://127.0.0.1:8080/',
      proxy: null,
      message: null,
      tutorialExact: false,
      maxBodyBytes: 10 * 1024 * 1024,
      ...patch,
    },
  };
}

test('target paths: origin-form, absolute-form, query dropped', () => {
  assert.equal(targetPath('/test.jpg?x=1'), '/test.jpg');
  assert.equal(targetPath('http://127.0.0.1:8080/test.jpg'), '/test.jpg');
  assert.equal(targetPath('http://127.0.0.1:8080'), '/');
  assert.equal(targetPath(null), null);
});

test('the lesson walks from waiting to done, one live event at a time', () => {
  let facts = initialFacts;
  assert.equal(currentStep(facts), 'start');
  assert.equal(checkDone(facts, 'listening'), false);

  // A proxy's address answers with other sites: the lesson waits for the server itself.
  facts = observe(facts, [server({ proxy: 'forward' })], 0);
  assert.equal(facts.proxy, 'forward');
  assert.equal(checkDone(facts, 'listening'), false);
  facts = observe(facts, [server({ proxy: 'reverse' })], 0);
  assert.equal(checkDone(facts, 'listening'), false);
  facts = observe(facts, [server({ status: 'stopped', url: null, proxy: null })], 0);
  assert.equal(facts.proxy, null);
  assert.equal(checkDone(facts, 'listening'), false);

  facts = observe(facts, [server({})], 0);
  assert.equal(checkDone(facts, 'listening'), true);
  assert.equal(checkDone(facts, 'page'), false, 'waiting for the browser');

  // A request still without an answer does not count; a replay never does.
  facts = observe(
    facts,
    [{ type: 'exchange', exchange: exchange({ status: null, responseBytes: 0 }) }],
    0,
  );
  facts = observe(facts, [{ type: 'exchange', exchange: exchange({ source: 'replay' }) }], 0);
  assert.equal(checkDone(facts, 'page'), false);

  const page = exchange({});
  facts = observe(facts, [{ type: 'exchange', exchange: page }], 0);
  assert.equal(stepDone(facts, 'start'), true);
  assert.equal(currentStep(facts), 'two');

  const image = exchange({ target: '/test.jpg', referer: 'http://127.0.0.1:8080/' });
  facts = observe(facts, [{ type: 'exchange', exchange: image }], 0);
  assert.equal(facts.image?.exchangeId, image.exchangeId);
  assert.equal(currentStep(facts), 'read');

  facts = withSelection(facts, page, 'request');
  assert.equal(checkDone(facts, 'readPage'), true);
  assert.equal(checkDone(facts, 'readResponse'), false);
  facts = withSelection(facts, image, 'response');
  assert.equal(stepDone(facts, 'read'), false, 'the parts are still to be pointed at');
  assert.deepEqual(partsMissing(facts), ['startLine', 'header', 'emptyLine', 'body']);
  for (const kind of ['sp', 'body', 'crlf', 'version', 'field-value'])
    facts = withPart(facts, kind);
  assert.deepEqual(partsMissing(facts), ['emptyLine'], 'glue such as SP or CRLF is no part');
  facts = withPart(facts, 'empty-line');
  assert.deepEqual(facts.parts, ['startLine', 'header', 'emptyLine', 'body'], 'in message order');
  assert.equal(stepDone(facts, 'read'), true);
  assert.equal(currentStep(facts), 'tutorial');

  // Requests answered before the switch do not count for tutorial-exact.
  facts = observe(facts, [server({ tutorialExact: true })], 5000);
  assert.equal(checkDone(facts, 'tutorialOn'), true);
  facts = observe(facts, [{ type: 'exchange', exchange: exchange({ startedAt: 4000 }) }], 6000);
  assert.equal(checkDone(facts, 'tutorialPage'), false);
  facts = observe(facts, [{ type: 'exchange', exchange: exchange({ startedAt: 5100 }) }], 6000);
  facts = observe(
    facts,
    [{ type: 'exchange', exchange: exchange({ target: '/test.jpg', startedAt: 5101 }) }],
    6000,
  );
  assert.equal(stepDone(facts, 'tutorial'), false, 'its answer is still to be read');
  facts = withSelection(facts, page, 'response');
  assert.equal(checkDone(facts, 'tutorialRead'), false, 'an answer from before does not count');
  facts = withSelection(facts, facts.tutorialImage, 'response');
  assert.equal(stepDone(facts, 'tutorial'), true);
  assert.equal(currentStep(facts), 'break');

  const rule = labRule('noEmptyLine', '/', new Uint8Array([1]), 'Lab', bytesToBase64, 'r1');
  facts = observe(facts, [{ type: 'rules', rules: [rule] }], 7000);
  assert.equal(checkDone(facts, 'breakApplied'), true);
  assert.equal(checkDone(facts, 'breakVisited'), false);
  facts = observe(
    facts,
    [{ type: 'exchange', exchange: exchange({ startedAt: 7100, ruleId: rule.id, status: null }) }],
    7200,
  );
  assert.equal(stepDone(facts, 'break'), true);
});

test('switching tutorial-exact off and on again restarts its clock; Clear forgets the requests', () => {
  let facts = observe(initialFacts, [server({ tutorialExact: true })], 100);
  assert.equal(facts.tutorialSince, 100);
  facts = observe(facts, [server({ tutorialExact: true })], 200);
  assert.equal(facts.tutorialSince, 100, 'still on: the first time counts');
  facts = observe(facts, [server({ tutorialExact: false })], 300);
  facts = observe(facts, [server({ tutorialExact: true })], 400);
  assert.equal(facts.tutorialSince, 400);
  facts = observe(facts, [{ type: 'exchange', exchange: exchange({}) }, { type: 'cleared' }], 500);
  assert.equal(facts.page, null);
});
