'use strict';
// bench/peers/zen.js -- rules/b2b_saas.lua scored with GoRules zen-engine
// (its Rust core through the npm package's native binding) running the
// decision graph bench/peers/b2b_saas.jdm.json, for bench/peers.sh.
//
//   node zen.js INPUT.jsonl OUTPUT.csv AS_OF
//
// One decision, created once; one decision.evaluate(account) per account
// (the package's API: asynchronous, one context in, one result out). The
// graph does all the scoring; this file only feeds it and writes
// domain,score,tier. ZEN_INFLIGHT (default 64) evaluations are kept in
// flight at once, so the native side never waits on the JavaScript loop.

const fs = require('fs');
const path = require('path');
const { ZenEngine } = require('@gorules/zen-engine');
const io = require('./io');

const { input, output } = io.usage('zen.js');
const asOf = process.argv[4];
const inflight = Math.max(1, Number(process.env.ZEN_INFLIGHT) || 64);

const engine = new ZenEngine();
const decision = engine.createDecision(
  fs.readFileSync(path.join(__dirname, 'b2b_saas.jdm.json')));

async function scoreOne(account) {
  account.as_of = asOf;
  const { result } = await decision.evaluate(account);
  return io.csvLine(result.domain, result.score, result.tier);
}

io.run(input, output, async (batch) => {
  const lines = new Array(batch.length);
  let next = 0;
  const worker = async () => {
    while (next < batch.length) {
      const i = next++;
      lines[i] = await scoreOne(batch[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inflight, batch.length) }, worker));
  return lines.join('');
}).then(() => engine.dispose()).catch((e) => {
  process.stderr.write(`zen.js: ${e.message}\n`);
  process.exit(1);
});
