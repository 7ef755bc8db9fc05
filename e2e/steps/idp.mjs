// A small OpenID provider for the browser tests, playing Feide or
// ID-porten as far as the app uses them: discovery, authorize (with a
// single sign-on session in a cookie of its own), token (PKCE checked), a
// minimal RS256 ID token, userinfo, jwks and end_session (RP-Initiated
// Logout). Who logs in is chosen by the test before each login with
// provider.as(claims): Feide gives the principal and name from userinfo,
// as Feide does; ID-porten gives pid and acr in the ID token.

import { createServer as createTCPServer } from 'node:net';
import { createServer } from 'node:http';
import { generateKeyPairSync, sign, randomBytes, createHash } from 'node:crypto';

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createTCPServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

const b64url = (b) => Buffer.from(b).toString('base64url');
const token = () => randomBytes(24).toString('base64url');

export const feidePrincipalClaim = 'https://n.feide.no/claims/eduPersonPrincipalName';

// startProvider starts the provider on port. kind is 'feide' or
// 'idporten'; user is who logs in until provider.as() says otherwise:
// { principal, name } for Feide, { pid } for ID-porten.
export async function startProvider({ port, appBase, clientId, kind = 'feide', user }) {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig', alg: 'RS256' };
  const issuer = `http://127.0.0.1:${port}`;
  const p = {
    issuer, interactive: 0, silent: 0, logouts: [], codes: new Map(), access: new Map(), idTokens: new Set(), sso: new Map(),
    user, as(u) { p.user = u; },
  };
  const cookieOf = (req, name) => (req.headers.cookie || '').split(/;\s*/).map(c => c.split('=')).find(([k]) => k === name)?.[1];
  const json = (res, v) => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(v)); };
  const body = (req) => new Promise(r => { let s = ''; req.on('data', d => { s += d; }); req.on('end', () => r(new URLSearchParams(s))); });
  p.server = createServer(async (req, res) => {
    const u = new URL(req.url, issuer);
    if (u.pathname === '/.well-known/openid-configuration') {
      return json(res, { issuer, authorization_endpoint: issuer + '/authorize', token_endpoint: issuer + '/token', jwks_uri: issuer + '/jwks',
        userinfo_endpoint: issuer + '/userinfo', end_session_endpoint: issuer + '/logout' });
    }
    if (u.pathname === '/jwks') return json(res, { keys: [jwk] });
    if (u.pathname === '/authorize') {
      const q = u.searchParams;
      if (q.get('client_id') !== clientId || q.get('code_challenge_method') !== 'S256') { res.writeHead(400); return res.end('bad request'); }
      const headers = {};
      let who = p.sso.get(cookieOf(req, 'idp_sso'));
      if (who) {
        p.silent++;
      } else {
        p.interactive++; // the person logs in (here: at once, as p.user)
        who = p.user;
        const id = token();
        p.sso.set(id, who);
        headers['Set-Cookie'] = `idp_sso=${id}; Path=/; HttpOnly`;
      }
      const code = token();
      p.codes.set(code, { challenge: q.get('code_challenge'), nonce: q.get('nonce'), redirect: q.get('redirect_uri'), who });
      headers.Location = `${q.get('redirect_uri')}?code=${code}&state=${encodeURIComponent(q.get('state'))}`;
      res.writeHead(302, headers);
      return res.end();
    }
    if (u.pathname === '/token' && req.method === 'POST') {
      const f = await body(req);
      const c = p.codes.get(f.get('code'));
      p.codes.delete(f.get('code'));
      const challenge = createHash('sha256').update(f.get('code_verifier') || '').digest('base64url');
      if (!c || c.challenge !== challenge || c.redirect !== f.get('redirect_uri') || f.get('client_id') !== clientId) {
        res.writeHead(400, { 'Content-Type': 'application/json' });
        return res.end('{"error":"invalid_grant"}');
      }
      const now = Math.floor(Date.now() / 1000);
      const sub = kind === 'idporten' ? 'idporten-' + c.who.pid : 'feide-' + c.who.principal;
      const claims = { iss: issuer, sub, aud: clientId, iat: now, nbf: now, exp: now + 120, nonce: c.nonce };
      // ID-porten puts the national ID and the level in the ID token;
      // Feide's ID token holds the minimum, the rest is in userinfo.
      if (kind === 'idporten') Object.assign(claims, { pid: c.who.pid, acr: 'idporten-loa-substantial' });
      const input = b64url(JSON.stringify({ alg: 'RS256', kid: 'k1', typ: 'JWT' })) + '.' + b64url(JSON.stringify(claims));
      const idToken = input + '.' + b64url(sign('RSA-SHA256', Buffer.from(input), privateKey));
      p.idTokens.add(idToken);
      const access = token();
      p.access.set(access, { sub, who: c.who });
      return json(res, { id_token: idToken, access_token: access, token_type: 'Bearer' });
    }
    if (u.pathname === '/userinfo') {
      const a = p.access.get((req.headers.authorization || '').replace(/^Bearer /, ''));
      if (!a) { res.writeHead(401); return res.end(); }
      if (kind === 'idporten') return json(res, { sub: a.sub, pid: a.who.pid });
      return json(res, { sub: a.sub, [feidePrincipalClaim]: a.who.principal, name: a.who.name, email_verified: false });
    }
    if (u.pathname === '/logout') {
      const q = u.searchParams;
      p.logouts.push(Object.fromEntries(q));
      if (!p.idTokens.has(q.get('id_token_hint')) || q.get('post_logout_redirect_uri') !== appBase + '/logout/callback') {
        res.writeHead(400); return res.end('unknown id_token_hint or post_logout_redirect_uri');
      }
      p.sso.delete(cookieOf(req, 'idp_sso'));
      res.writeHead(302, { 'Set-Cookie': 'idp_sso=; Path=/; Max-Age=0', Location: `${q.get('post_logout_redirect_uri')}?state=${encodeURIComponent(q.get('state'))}` });
      return res.end();
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise(r => p.server.listen(port, '127.0.0.1', r));
  return p;
}
