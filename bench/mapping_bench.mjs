// The jsonata-js side of mapping_bench: same mapping, same record, same
// loop (compile once; per evaluation optionally parse, then evaluate and
// serialise). Prints evaluations/s in the format of mapping_bench.
// usage: node mapping_bench.mjs JSONATA_PACKAGE_DIR [seconds]
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [pkgDir, secondsArg] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(pkgDir), 'noop.js'));
const jsonata = require('jsonata');
const here = path.dirname(new URL(import.meta.url).pathname);
const record = fs.readFileSync(path.join(here, 'mapping', 'record.json'), 'utf8');
const expr = jsonata(fs.readFileSync(path.join(here, 'mapping', 'mapping.jsonata'), 'utf8'));
const seconds = Number(secondsArg || 2);

async function run(parseEach) {
  const parsed = JSON.parse(record);
  const start = process.hrtime.bigint();
  let n = 0;
  let out = '';
  for (;;) {
    for (let i = 0; i < 200; ++i) {
      const input = parseEach ? JSON.parse(record) : parsed;
      out = JSON.stringify(await expr.evaluate(input));
    }
    n += 200;
    const el = Number(process.hrtime.bigint() - start) / 1e9;
    if (el >= seconds) return [n / el, out];
  }
}

const [withParse] = await run(true);
const [evalOnly, out] = await run(false);
console.log(`jsonata-js ${require('jsonata/package.json').version} on node ${process.version}`);
console.log(`parse+evaluate+serialize: ${withParse.toFixed(0)} evaluations/s`);
console.log(`evaluate+serialize:       ${evalOnly.toFixed(0)} evaluations/s`);
console.log(out);
