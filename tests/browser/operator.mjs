// An operator sees no admin actions: no "Settings" link, no "Add account"; and admin routes
// answer 403 to their cookie session even with the CSRF token. The owner, for contrast, sees them.
import { scenario, api, env, check, checkEqual, visible, signedIn, signIn } from './lib.mjs';

const EMAIL = 'operator@tgmux.test';
const PASSWORD = 'operator-pass-123';

scenario(async (t) => {
  const owner = await api.login();
  await api.addMember(owner.access_token, EMAIL, PASSWORD, 'operator');

  const ownerPage = await t.page();
  await ownerPage.goto(env.tgmux + '/');
  await signIn(ownerPage);
  await signedIn(ownerPage);
  await visible(ownerPage.getByRole('link', { name: 'Settings', exact: true }));
  await visible(ownerPage.getByRole('button', { name: 'Add account', exact: true }));
  await t.shot(ownerPage, 'owner');

  const page = await t.page();
  await page.goto(env.tgmux + '/');
  await signIn(page, EMAIL, PASSWORD);
  await signedIn(page);
  await t.shot(page, 'operator');
  checkEqual(await page.getByRole('link', { name: 'Settings', exact: true }).count(), 0, '"Settings" links');
  checkEqual(await page.getByRole('button', { name: 'Add account', exact: true }).count(), 0,
    '"Add account" buttons');

  const answers = await page.evaluate(async () => {
    const session = await (await fetch('/v1/auth/session', { credentials: 'same-origin' })).json();
    const call = (method, path, body) => fetch(path, {
      method, credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf_token },
      body: body && JSON.stringify(body),
    }).then((r) => r.status);
    return {
      role: session.user.role,
      create_api_key: await call('POST', '/v1/api-keys', { name: 'operator-key', role: 'operator' }),
      invite: await call('POST', '/v1/tenant/members', { email: 'x@tgmux.test', role: 'operator' }),
      start_login: await call('POST', '/v1/logins', { method: 'qr' }),
      read_audit: await call('GET', '/v1/audit'),
      accounts: await call('GET', '/v1/accounts'),
    };
  });
  checkEqual(answers, {
    role: 'operator', create_api_key: 403, invite: 403, start_login: 403, read_audit: 403, accounts: 200,
  }, 'the operator\'s calls from the page');
  const keys = await api.get(owner.access_token, '/v1/api-keys');
  check(keys.items.length === 0, `no API key was created (${keys.items.length})`);
});
