// Managing a linked account on the Accounts page: rename it in place, switch which chats it
// accepts (saved at once: still so after a reload), and see a revoke made elsewhere (the
// person ended the session from their phone, here through tgsim) turn its badge to
// "revoked" without a reload.
import { scenario, api, sim, check, checkEqual, visible, waitFor, openSignedIn } from './lib.mjs';

const PHONE = '+15550009101';

scenario(async (t) => {
  const owner = await api.login();
  await sim.createUser(PHONE, 'Rita');
  const account = await api.linkByPhone(owner.access_token, PHONE);
  const fetchAccount = () => api.get(owner.access_token, `/v1/accounts/${account.id}`);

  const page = await openSignedIn(t);
  let card = await visible(page.getByRole('article', { name: account.display_name }));

  // Rename: the name becomes a field; Enter saves.
  await card.getByRole('button', { name: 'Rename', exact: true }).click();
  const field = await visible(card.getByLabel('Display name'));
  await field.fill('Front desk');
  await field.press('Enter');
  card = await visible(page.getByRole('article', { name: 'Front desk' }));
  await waitFor(async () => (await fetchAccount()).display_name === 'Front desk', { what: 'the new name saved' });

  // A toggle is saved at once, and still so after a reload.
  const channels = card.getByRole('checkbox', { name: 'Channels', exact: true });
  check(!(await channels.isChecked()), 'channels are off by default');
  await channels.check();
  await waitFor(async () => (await fetchAccount()).accepts_channels === true, { what: 'accepts_channels saved' });
  await page.reload();
  card = await visible(page.getByRole('article', { name: 'Front desk' }));
  await waitFor(() => card.getByRole('checkbox', { name: 'Channels', exact: true }).isChecked(),
    { what: 'the Channels toggle checked after the reload' });
  await t.shot(page, 'renamed-and-toggled');

  // A revoke from elsewhere shows without a reload.
  await page.evaluate(() => { window.stillTheSamePage = true; });
  await sim.revoke(PHONE);
  await waitFor(async () => (await card.locator('.status').textContent()) === 'revoked',
    { what: 'the badge to say revoked' });
  check(await page.evaluate(() => window.stillTheSamePage === true), 'the page was not reloaded');
  checkEqual((await fetchAccount()).status, 'revoked', 'the account after the revoke');
  await t.shot(page, 'revoked');
});
