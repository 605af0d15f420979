'use strict';
// bench/peers/io.js -- what both JavaScript peers of bench/peers.sh share:
// the command line, reading accounts from a JSONL file (one JSON.parse per
// line, read in 1 MiB chunks), writing domain,score,tier as CSV, and the
// decay factor of DESIGN section 4 (the rule engines have no date
// arithmetic of their own that a pack author would reach for).
//
//   node PEER.js INPUT.jsonl OUTPUT.csv AS_OF
//
// Each account is narrowed to the fields rules/b2b_saas.lua reads before
// it reaches an engine: both engines copy every key they are given (facts,
// a native context), and that copy is work the policy does not need. A
// line that is not a JSON object stops the run with its file:line (the
// bench compares whole outputs, so a skipped line would only fail later).

const fs = require('fs');
const { once } = require('events');

const DAY_MS = 86400000;
const FIELDS = ['domain', 'industry', 'employees', 'tech', 'budget_confirmed',
  'timeline_set', 'decision_maker_engaged', 'demo_attended',
  'content_downloads', 'rfi_completed', 'last_activity_date'];

function usage(name) {
  const [input, output, asOf] = process.argv.slice(2);
  if (!input || !output || !/^\d{4}-\d{2}-\d{2}$/.test(asOf || '')) {
    process.stderr.write(`usage: node ${name} INPUT.jsonl OUTPUT.csv YYYY-MM-DD\n`);
    process.exit(1);
  }
  return { input, output, asOfDays: Date.parse(asOf) / DAY_MS };
}

// Days since 1970-01-01 of a valid YYYY-MM-DD string, else NaN.
function days(s) {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return NaN;
  const ms = Date.parse(s);
  // Date.parse rolls 2026-02-30 over to March: such a date is not valid
  return ms === ms && new Date(ms).toISOString().startsWith(s) ? ms / DAY_MS : NaN;
}

// 0.5 ^ (age / half-life); no decay for a missing, invalid or future date.
function decay(date, halfLifeDays, asOfDays) {
  const d = days(date);
  return d < asOfDays ? Math.pow(0.5, (asOfDays - d) / halfLifeDays) : 1;
}

// Calls score(batch) with arrays of parsed accounts; score returns the
// CSV lines of the batch as one string (or a promise of it), written in
// order to output.
async function run(input, output, score) {
  const out = fs.createWriteStream(output);
  out.on('error', (e) => { throw e; });
  if (!out.write('domain,score,tier\n')) await once(out, 'drain');
  let rest = '';
  let line = 0;
  const parse = (text) => {
    line++;
    try {
      const a = JSON.parse(text);
      if (a && typeof a === 'object' && !Array.isArray(a)) {
        const o = {};
        for (const k of FIELDS) if (a[k] !== undefined) o[k] = a[k];
        return o;
      }
    } catch (e) { /* reported below */ }
    throw new Error(`${input}:${line}: not a JSON object`);
  };
  for await (const chunk of fs.createReadStream(input, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    const batch = [];
    for (const l of lines) {
      if (l) batch.push(parse(l));
      else line++;
    }
    if (!out.write(await score(batch))) await once(out, 'drain');
  }
  if (rest) out.write(await score([parse(rest)]));
  out.end();
  await once(out, 'finish');
}

// One CSV line; a domain is a hostname (no comma or quote) or missing.
function csvLine(domain, score, tier) {
  return `${typeof domain === 'string' ? domain : ''},${score},${tier}\n`;
}

module.exports = { usage, decay, run, csvLine };
