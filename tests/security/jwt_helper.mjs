// Independent JWT issuer for jwt_verifier_test: node's built-in crypto only.
// Usage: node jwt_helper.mjs <out-dir>
// Writes jwks.json, rsa_public.pem, hmac_secret.txt and tokens.json
// ({name: compact-token}) — good tokens and the attacks the verifier must refuse.
import { generateKeyPairSync, createHmac, sign, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2];
const b64u = (buf) => Buffer.from(buf).toString('base64url');
const json = (obj) => b64u(JSON.stringify(obj));

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const secret = randomBytes(32);

const rsaJwk = { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa1', use: 'sig', alg: 'RS256' };
const ecJwk = { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec1', use: 'sig' };
const octJwk = { kty: 'oct', k: b64u(secret), kid: 'hs1', alg: 'HS256' };
const rsaPem = rsa.publicKey.export({ type: 'spki', format: 'pem' });
writeFileSync(join(out, 'jwks.json'), JSON.stringify({ keys: [rsaJwk, ecJwk, octJwk] }));
writeFileSync(join(out, 'rsa_public.pem'), rsaPem);
writeFileSync(join(out, 'hmac_secret.hex'), secret.toString('hex'));

function token(header, payload, alg, key) {
  const input = `${json(header)}.${json(payload)}`;
  let sig;
  if (alg === 'HS256') sig = createHmac('sha256', key).update(input).digest();
  else if (alg === 'RS256') sig = sign('sha256', Buffer.from(input), key);
  else if (alg === 'ES256') sig = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  else sig = Buffer.alloc(0);
  return `${input}.${b64u(sig)}`;
}

const now = Math.floor(Date.now() / 1000);
const claims = { iss: 'https://sso.example.go.id', aud: 'simpul', sub: 'dukcapil-app',
                 client_id: 'app-42', iat: now, nbf: now - 10, exp: now + 600 };
const rs = (p, h = {}) => token({ alg: 'RS256', typ: 'JWT', kid: 'rsa1', ...h }, p, 'RS256', rsa.privateKey);
const es = (p, h = {}) => token({ alg: 'ES256', typ: 'JWT', kid: 'ec1', ...h }, p, 'ES256', ec.privateKey);
const hs = (p, h = {}, k = secret) => token({ alg: 'HS256', typ: 'JWT', kid: 'hs1', ...h }, p, 'HS256', k);

const good = rs(claims);
const [gh, , gs] = good.split('.');
const tokens = {
  rs256_ok: good,
  es256_ok: es(claims),
  hs256_ok: hs(claims),
  aud_array_ok: rs({ ...claims, aud: ['other', 'simpul'] }),
  no_kid_rs256: token({ alg: 'RS256' }, claims, 'RS256', rsa.privateKey),
  alg_none: token({ alg: 'none', typ: 'JWT' }, claims, 'none'),
  alg_none_kid: token({ alg: 'none', kid: 'rsa1' }, claims, 'none'),
  alg_none_upper: token({ alg: 'NONE' }, claims, 'none'),
  hs256_with_rsa_pem: hs(claims, { kid: 'rsa1' }, Buffer.from(rsaPem)),
  hs256_with_rsa_pem_nokid: token({ alg: 'HS256' }, claims, 'HS256', Buffer.from(rsaPem)),
  rs256_claimed_on_ec_key: rs(claims, { kid: 'ec1' }),
  expired: rs({ ...claims, iat: now - 7200, nbf: now - 7200, exp: now - 3600 }),
  not_yet_valid: rs({ ...claims, nbf: now + 3600, exp: now + 7200 }),
  iat_future: rs({ ...claims, iat: now + 3600 }),
  wrong_aud: rs({ ...claims, aud: 'someone-else' }),
  wrong_aud_array: rs({ ...claims, aud: ['a', 'b'] }),
  wrong_iss: rs({ ...claims, iss: 'https://evil.example' }),
  no_exp: rs({ iss: claims.iss, aud: claims.aud, sub: claims.sub }),
  no_sub: rs({ ...claims, sub: undefined }),
  tampered: `${gh}.${json({ ...claims, sub: 'admin' })}.${gs}`,
  wrong_kid: rs(claims, { kid: 'nope' }),
  bad_base64: `${gh.slice(0, 5)}*${gh.slice(6)}.${good.split('.')[1]}.${gs}`,
  padded_base64: `${good}=`,
  es256_der_sig: token({ alg: 'ES256', kid: 'ec1' }, claims, 'RS256', ec.privateKey),
  crit_header: rs(claims, { crit: ['exp'] }),
  two_parts: `${gh}.${good.split('.')[1]}`,
  huge: rs({ ...claims, pad: 'x'.repeat(10000) }),
};
writeFileSync(join(out, 'tokens.json'), JSON.stringify(tokens));
