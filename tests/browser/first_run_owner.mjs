// First run from loopback: the page offers "Create the owner" without a setup token; creating
// the owner signs them in and lands on the Accounts page, and the session survives a reload.
import { scenario, api, env, check, checkEqual, visible, signedIn, pageSession } from './lib.mjs';

const EMAIL = 'first-owner@tgmux.test';
const PASSWORD = 'first-owner-pass-1';

scenario(async (t) => {
  checkEqual(await api.setup(), { needs_owner: true, token_required: false }, 'GET /v1/setup from loopback');

  const page = await t.page();
  await page.goto(env.tgmux + '/');
  await visible(page.getByRole('heading', { name: 'Create the owner', exact: true }));
  check(!(await page.getByLabel('Setup token').isVisible()), 'no "Setup token" field from loopback');
  await t.shot(page, 'setup-form');

  await page.getByLabel('Email', { exact: true }).fill(EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create owner', exact: true }).click();
  await signedIn(page);
  await t.shot(page, 'accounts');

  const session = await pageSession(page);
  checkEqual(session.status, 200, 'GET /v1/auth/session with the cookie');
  checkEqual([session.body.user.email, session.body.user.role], [EMAIL, 'owner'], 'the signed-in user');
  checkEqual((await api.setup()).needs_owner, false, 'needs_owner after setup');

  await page.reload();
  await signedIn(page);
  await api.login(EMAIL, PASSWORD);  // the password works for the API too
});
