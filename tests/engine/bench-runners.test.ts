// The engine bench's contestants parse each scenario's buffer whole: a contestant that stopped
// early (or the floor, which reads no framing, on a body) would be measured doing less work.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SCENARIOS,
  engineRunner,
  floorRunner,
  llhttpRunner,
  messageRunner,
} from '../../bench/engine.bench';

test('every contestant completes each scenario’s requests, twice in a row', () => {
  for (const scenario of SCENARIOS) {
    const runners = {
      ours: scenario.mode === 'message' ? messageRunner() : engineRunner(),
      llhttp: llhttpRunner(),
    };
    for (const [side, run] of Object.entries(runners)) {
      assert.equal(run(scenario.bytes), scenario.requests, `${scenario.name} ${side}`);
      assert.equal(run(scenario.bytes), scenario.requests, `${scenario.name} ${side} again`);
    }
  }
});

test('the floor reads the bodiless scenarios’ heads: one request each, fifty pipelined', () => {
  const bodiless = SCENARIOS.filter((s) => /^engine\.(get|pipelined-50)(-message)?$/.test(s.name));
  assert.equal(bodiless.length, 4);
  for (const scenario of bodiless) {
    const floor = floorRunner();
    assert.equal(floor(scenario.bytes), scenario.requests, scenario.name);
  }
});
