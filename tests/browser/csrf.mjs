// Cross-site request forgery: while the owner is signed in, pages of other origins post forms
// to tgmux's API (form-encoded, and text/plain shaped as JSON). tgmux refuses them all (401 or
// 403) and nothing changes: no API key is created. The page itself, with its CSRF token, can.
import http from 'node:http';
import { scenario, api, env, check, checkEqual, request, openSignedIn } from './lib.mjs';

const ATTACKS = [
  {
    name: 'form-urlencoded',
    form: '<input type="hidden" name="name" value="forged"><input type="hidden" name="role" value="admin">',
    enctype: 'application/x-www-form-urlencoded',
  },
  {
    // The body reads {"name":"forged","role":"admin","x":"="}: JSON, though sent as text/plain.
    name: 'text-plain-json',
    form: '<input type="hidden" name=\'{"name":"forged","role":"admin","x":"\' value=\'"}\'>',
    enctype: 'text/plain',
  },
];

// Serves /<attack> (a form that submits itself to tgmux) and /submit.js on 127.0.0.1.
function startAttacker(target) {
  const server = http.createServer((req, res) => {
    if (req.url === '/submit.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' }).end('document.forms[0].submit();');
      return;
    }
    const attack = ATTACKS.find((a) => req.url === '/' + a.name);
    if (!attack) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Win a prize</title></head><body>
<form method="POST" action="${target}" enctype="${attack.enctype}">${attack.form}</form>
<script src="/submit.js"></script></body></html>`);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

scenario(async (t) => {
  const owner = await api.login();
  const keys = async () => (await api.get(owner.access_token, '/v1/api-keys')).items.length;
  const before = await keys();

  const page = await openSignedIn(t);

  const target = env.tgmux + '/v1/api-keys';
  const attacker = await startAttacker(target);
  const port = attacker.address().port;
  try {
    // 127.0.0.1 on another port is another origin of the same site (SameSite cookies go along:
    // the CSRF token must stop it); localhost is another site (the cookie stays home).
    for (const host of ['127.0.0.1', 'localhost']) {
      for (const attack of ATTACKS) {
        const label = `${attack.name} from ${host}:${port}`;
        const evil = await page.context().newPage();
        const posted = evil.waitForResponse((r) => r.url() === target && r.request().method() === 'POST');
        await evil.goto(`http://${host}:${port}/${attack.name}`);
        const response = await posted;
        t.log(`${label}: HTTP ${response.status()}`);
        check([401, 403].includes(response.status()), `${label}: expected 401 or 403, got ${response.status()}`);
        await t.shot(evil, `${attack.name}-${host === 'localhost' ? 'cross-site' : 'same-site'}`);
        await evil.close();
        checkEqual(await keys(), before, `API keys after ${label}`);
      }
    }
  } finally {
    attacker.close();
  }

  // The signed-in page itself, sending its CSRF token, may (so the refusals above were CSRF's).
  const own = await page.evaluate(async () => {
    const session = await (await fetch('/v1/auth/session', { credentials: 'same-origin' })).json();
    const post = (headers) => fetch('/v1/api-keys', {
      method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify({ name: 'from-the-page', role: 'operator' }),
    }).then((r) => r.status);
    return { without: await post({}), with: await post({ 'X-CSRF-Token': session.csrf_token }) };
  });
  checkEqual(own, { without: 403, with: 201 }, 'POST /v1/api-keys from the page without and with X-CSRF-Token');
  checkEqual(await keys(), before + 1, 'API keys after the page made one');
  checkEqual((await request('GET', target, {})).status, 401, 'GET /v1/api-keys with no credentials');
});
