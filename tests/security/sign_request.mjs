// Independent implementation of the canonical string in security/README.md.
// Usage: node sign_request.mjs <secret> <method> <target> <timestamp> <body-file>
// Prints the X-Simpul-Signature value.
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

const [secret, method, target, ts, bodyFile] = process.argv.slice(2);
const bodyHash = createHash('sha256').update(readFileSync(bodyFile)).digest('hex');
const canonical = ['v1', method.toUpperCase(), target, ts, bodyHash].join('\n');
process.stdout.write('v1=' + createHmac('sha256', secret).update(canonical).digest('hex'));
