'use strict';
// bench/peers/rules_engine.js -- rules/b2b_saas.lua scored with
// json-rules-engine (bench/peers/b2b_saas.rules.json) for bench/peers.sh.
//
//   node rules_engine.js INPUT.jsonl OUTPUT.csv AS_OF
//
// One Engine, one engine.run(account) per account (the library's way: it
// is asynchronous and keeps its facts per run). The engine says which
// rules fired; this file does what json-rules-engine has no notion of,
// exactly as DESIGN section 4 says: max(d) = the positive points of d's
// rules, earned points times the decay factor, s_d = clamp(100 * earned /
// max, 0, 100), composite = sum(w_d * s_d) / sum(w_d), the first tier whose
// threshold <= the composite rounded to 6 decimals, 'excluded' when an
// exclude fired. A missing field fails its condition (allowUndefinedFacts),
// so an unknown rule earns nothing and an unknown exclude does not exclude.

const fs = require('fs');
const path = require('path');
const { Engine } = require('json-rules-engine');
const io = require('./io');

const { input, output, asOfDays } = io.usage('rules_engine.js');
const spec = JSON.parse(fs.readFileSync(path.join(__dirname, 'b2b_saas.rules.json'), 'utf8'));
const { dimensions, tiers } = spec.profile;

const engine = new Engine(spec.rules, { allowUndefinedFacts: true });
// one_of and has_any compare strings case-insensitively (the sets are
// written in lower case in the rule set)
engine.addOperator('inIgnoreCase', (v, set) => typeof v === 'string' && set.includes(v.toLowerCase()));
engine.addOperator('hasAnyIgnoreCase', (v, set) => Array.isArray(v) &&
  v.some((x) => typeof x === 'string' && set.includes(x.trim().toLowerCase())));

const dims = Object.keys(dimensions);
const max = Object.fromEntries(dims.map((d) => [d, 0]));
for (const r of spec.rules) {
  const p = r.event.params;
  if (r.event.type === 'points' && p.points > 0) max[p.dimension] += p.points;
}
const weightSum = dims.reduce((s, d) => s + dimensions[d], 0);

async function scoreOne(account) {
  const { events } = await engine.run(account);
  const earned = Object.fromEntries(dims.map((d) => [d, 0]));
  let excluded = false;
  for (const e of events) {
    const p = e.params;
    if (e.type === 'exclude') excluded = true;
    else earned[p.dimension] += p.decay
      ? p.points * io.decay(account[p.decay.date], p.decay.half_life_days, asOfDays)
      : p.points;
  }
  let sum = 0;
  for (const d of dims) {
    const s = (100 * earned[d]) / max[d];
    sum += dimensions[d] * (s > 100 ? 100 : s > 0 ? s : 0);
  }
  const score = sum / weightSum;
  const written = Math.round(score * 1e6) / 1e6;
  const tier = excluded ? 'excluded' : (tiers.find(([, t]) => written >= t) || ['unranked'])[0];
  return io.csvLine(account.domain, score, tier);
}

io.run(input, output, async (batch) => {
  let s = '';
  for (const a of batch) s += await scoreOne(a);
  return s;
}).catch((e) => {
  process.stderr.write(`rules_engine.js: ${e.message}\n`);
  process.exit(1);
});
