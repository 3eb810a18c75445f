// Scenario "mapping", jsonata-js side: evaluations/s of one expression over
// one record, parse + evaluate + serialize per evaluation (as a flow does).
// usage: node jsonata_bench.js EXPR_FILE RECORD_FILE SECONDS [--print]
'use strict';
const fs = require('fs');
const path = require('path');
const jsonata = require(path.join(__dirname, '..', '.peers', 'node_modules', 'jsonata'));
const [exprFile, recordFile, secondsArg, flag] = process.argv.slice(2);
const expr = jsonata(fs.readFileSync(exprFile, 'utf8'));
const text = fs.readFileSync(recordFile, 'utf8');
const seconds = Number(secondsArg || 3);
(async () => {
  if (flag === '--print') {
    process.stdout.write(JSON.stringify(await expr.evaluate(JSON.parse(text))) + '\n');
    return;
  }
  for (let i = 0; i < 2000; i++) await expr.evaluate(JSON.parse(text));  // warm up the JIT
  const start = process.hrtime.bigint();
  let n = 0, bytes = 0, el = 0;
  for (;;) {
    for (let i = 0; i < 200; i++) bytes += JSON.stringify(await expr.evaluate(JSON.parse(text))).length;
    n += 200;
    el = Number(process.hrtime.bigint() - start) / 1e9;
    if (el >= seconds) break;
  }
  process.stdout.write(JSON.stringify({evals_s: Math.round(n / el * 10) / 10, n, bytes}) + '\n');
})();
