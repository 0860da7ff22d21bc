// First run from another machine (X-Forwarded-For through a trusted proxy, the traffic itself
// stays on 127.0.0.1): the form asks for the setup token; without it, or with a wrong one,
// no owner is created and the page says why; with the token from tgmux's log it succeeds.
import { scenario, api, env, check, checkEqual, visible, waitFor, signedIn, pageSession, request } from './lib.mjs';

const EMAIL = 'remote-owner@tgmux.test';
const PASSWORD = 'remote-owner-pass-1';
const FROM = { 'X-Forwarded-For': '203.0.113.7' };

scenario(async (t) => {
  check(env.setupToken, 'SETUP_TOKEN is set by the driver');
  const setup = await request('GET', env.tgmux + '/v1/setup', { headers: FROM });
  checkEqual(setup.body, { needs_owner: true, token_required: true }, 'GET /v1/setup from 203.0.113.7');

  const page = await t.page({ extraHTTPHeaders: FROM });
  await page.goto(env.tgmux + '/');
  await visible(page.getByRole('heading', { name: 'Create the owner', exact: true }));
  const token = await visible(page.getByLabel('Setup token', { exact: true }));
  await page.getByLabel('Email', { exact: true }).fill(EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await t.shot(page, 'setup-form');

  // Without the token: the form refuses (the field is required) or the server does (an alert).
  await page.getByRole('button', { name: 'Create owner', exact: true }).click();
  await waitFor(async () => (await page.getByRole('alert').isVisible()) ||
      (await token.evaluate((el) => el.validity && !el.validity.valid)),
  { what: 'an error for the missing setup token' });
  await t.shot(page, 'no-token');
  checkEqual((await api.setup()).needs_owner, true, 'needs_owner after a try without the token');
  // The server refuses it too, when a client skips the form's check.
  const bare = await request('POST', env.tgmux + '/v1/setup', { headers: FROM, body: { email: EMAIL, password: PASSWORD } });
  checkEqual(bare.status, 403, 'POST /v1/setup without a token from 203.0.113.7');

  // A wrong token: the server refuses (403) and the page shows an error.
  const refused = page.waitForResponse((r) => r.url() === env.tgmux + '/v1/setup' && r.request().method() === 'POST');
  await token.fill('not-the-setup-token');
  await page.getByRole('button', { name: 'Create owner', exact: true }).click();
  checkEqual((await refused).status(), 403, 'POST /v1/setup with a wrong token');
  await visible(page.getByRole('alert'));
  await t.shot(page, 'wrong-token');
  checkEqual((await api.setup()).needs_owner, true, 'needs_owner after a wrong token');

  await token.fill(env.setupToken);
  await page.getByRole('button', { name: 'Create owner', exact: true }).click();
  await signedIn(page);
  await t.shot(page, 'accounts');
  const session = await pageSession(page);
  checkEqual([session.status, session.body.user?.role], [200, 'owner'], 'the signed-in owner');
  checkEqual((await api.setup()).needs_owner, false, 'needs_owner after setup');
});
