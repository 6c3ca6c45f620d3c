// A real OpenID Connect provider on loopback for the tests (oauth2-mock-server, pinned in package-lock.json), with
// two control routes the tests use to stand in for Microsoft Entra ID:
//   POST /mint   {"claims": {...}, "kid": "...", "expiresIn": 3600} -> {"token": "<RS256 JWT>"}
//                claims are merged into the payload (null removes one), so a test can shape Entra's tid, oid, roles,
//                groups, iss, aud, exp and nbf; kid picks a signing key (default: the first one).
//   POST /rotate -> {"kid": "..."}: a new signing key, published in the JWKS from then on.
//   POST /next-sign-in {"claims": {...}} -> {}: claims merged into the tokens of the next authorization-code
//                sign-ins (the browser's /authorize -> /token round trip), shaping them like Entra's.
//   GET  /last-authorize -> the query of the last /authorize request (the tests check PKCE's S256 challenge).
// The provider's discovery document is /.well-known/openid-configuration, its keys /jwks. Prints {"port": N} once ready.
import { OAuth2Server } from 'oauth2-mock-server';

const server = new OAuth2Server();
const first = await server.issuer.keys.generate('RS256');

function send(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

server.service.addRoute('POST', '/mint', async (req, res) => {
  const body = req.body ?? {};
  const claims = body.claims ?? {};
  const token = await server.issuer.buildToken({
    kid: body.kid ?? first.kid,
    expiresIn: body.expiresIn ?? 3600,
    scopesOrTransform: (header, payload) => {
      for (const [name, value] of Object.entries(claims)) {
        if (value === null) delete payload[name];
        else payload[name] = value;
      }
    },
  });
  send(res, 200, { token });
});

server.service.addRoute('POST', '/rotate', async (req, res) => {
  const key = await server.issuer.keys.generate('RS256');
  send(res, 200, { kid: key.kid });
});

let nextSignIn = null;
let lastAuthorize = null;

server.service.addRoute('POST', '/next-sign-in', async (req, res) => {
  nextSignIn = (req.body ?? {}).claims ?? null;
  send(res, 200, {});
});

server.service.addRoute('GET', '/last-authorize', async (req, res) => send(res, 200, lastAuthorize ?? {}));

server.service.on('beforeAuthorizeRedirect', (authorizeRedirectUri, req) => {
  lastAuthorize = { ...req.query };
});

server.service.on('beforeTokenSigning', (token, req) => {
  if (nextSignIn && req.body && req.body.grant_type === 'authorization_code') {
    for (const [name, value] of Object.entries(nextSignIn)) {
      if (value === null) delete token.payload[name];
      else token.payload[name] = value;
    }
  }
});

await server.start(0, '127.0.0.1');
server.issuer.url = `http://127.0.0.1:${server.address().port}`;
process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
process.on('SIGTERM', async () => { await server.stop(); process.exit(0); });
