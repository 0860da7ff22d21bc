// An admin's Settings: a webhook's signing secret and a new API key are shown once (gone
// after "Done" and after a reload); revoking the key asks first, then it stops working; an
// invite is made; the audit log lists what happened.
// Names beyond the contract's: sections by their h2, the fields "URL", "Name", "Email", the
// buttons "Create webhook", "Create key", "Invite", "Done", "Revoke" and "Revoke key".
import {
  scenario, api, env, check, checkEqual, visible, hidden, waitFor, request, openSignedIn,
} from './lib.mjs';

const section = (page, name) => page.getByRole('region', { name, exact: true });

scenario(async (t) => {
  const owner = await api.login();
  const page = await openSignedIn(t);
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await visible(page.getByRole('heading', { name: 'Settings', exact: true }));

  // A webhook (to a port on loopback where nothing listens): its secret, once.
  const hooks = section(page, 'Webhooks');
  await hooks.getByLabel('URL', { exact: true }).fill('http://127.0.0.1:9/tgmux');
  await hooks.getByRole('button', { name: 'Create webhook', exact: true }).click();
  const secret = await (await visible(hooks.locator('code.secret'))).textContent();
  check(secret.length >= 20, `a signing secret is shown (${secret.length} characters)`);
  await t.shot(page, 'webhook-secret');
  await hooks.getByRole('button', { name: 'Done', exact: true }).click();
  await hidden(hooks.locator('code.secret'));
  await visible(hooks.getByText('http://127.0.0.1:9/tgmux'));
  checkEqual((await api.get(owner.access_token, '/v1/webhooks')).items.length, 1, 'webhooks');

  // An API key: shown once, works, then revoked after a confirmation.
  const keys = section(page, 'API keys');
  await keys.getByLabel('Name', { exact: true }).fill('crm-sync');
  await keys.getByRole('button', { name: 'Create key', exact: true }).click();
  const key = await (await visible(keys.locator('code.secret'))).textContent();
  check(key.startsWith('tgk_'), `an API key is shown (${key.slice(0, 4)}…)`);
  checkEqual((await request('GET', env.tgmux + '/v1/accounts', { token: key })).status, 200, 'the new key at work');
  await page.reload();
  await visible(page.getByRole('heading', { name: 'Settings', exact: true }));
  checkEqual(await page.locator('code.secret').count(), 0, 'secrets on the page after a reload');
  await keys.getByRole('button', { name: 'Revoke', exact: true }).click();
  const confirm = await visible(page.getByRole('dialog'));
  await confirm.getByRole('button', { name: 'Revoke key', exact: true }).click();
  await hidden(page.getByRole('dialog'));
  await waitFor(async () => (await request('GET', env.tgmux + '/v1/accounts', { token: key })).status === 401,
    { what: 'the revoked key refused' });

  // An invite.
  const members = section(page, 'Members');
  await members.getByLabel('Email', { exact: true }).fill('ops@tgmux.test');
  await members.getByRole('button', { name: 'Invite', exact: true }).click();
  await visible(members.locator('code.secret'));
  const invites = (await api.get(owner.access_token, '/v1/tenant/invites')).items;
  checkEqual(invites.map((i) => i.email), ['ops@tgmux.test'], 'invites');

  // The audit log says all of it.
  const audit = section(page, 'Audit log');
  await audit.getByRole('button', { name: 'Refresh', exact: true }).click();
  for (const action of ['api_key_created', 'api_key_revoked', 'member_invited']) {
    await visible(audit.getByText(action, { exact: true }).first());
  }
  await t.shot(page, 'audit');
});
