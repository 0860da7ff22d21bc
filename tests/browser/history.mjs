// A long chat in the dashboard: its history opens on the newest messages, scrolling up
// loads the older pages (30 at a time) down to the first message, the chat list shows the
// unread count, and "Mark read" clears it (in the page and in Telegram).
// Names beyond the contract's: the account's "Messages" link, a chat's button named by its
// title (with "N unread"), the history (role log) and the "Mark read" button.
import { scenario, api, sim, checkEqual, visible, waitFor, openSignedIn } from './lib.mjs';

const ACCOUNT = '+15550009301';
const FRIEND = '+15550009302';
const COUNT = 70;  // three pages

scenario(async (t) => {
  const owner = await api.login();
  await sim.createUser(ACCOUNT, 'Hugo');
  await sim.createUser(FRIEND, 'Greta');
  const account = await api.linkByPhone(owner.access_token, ACCOUNT);
  for (let i = 1; i <= COUNT; i++) await sim.sendMessage(FRIEND, ACCOUNT, `note ${i} of ${COUNT}`);
  const chats = `/v1/accounts/${account.id}/chats`;
  const greta = async () => (await api.get(owner.access_token, chats)).items.find((c) => c.title.startsWith('Greta'));
  await waitFor(async () => (await greta())?.unread_count === COUNT, { what: `${COUNT} unread messages from Greta` });

  const page = await openSignedIn(t);
  await page.getByRole('link', { name: 'Messages', exact: true }).click();
  const chat = await visible(page.getByRole('button', { name: new RegExp(`^Greta.*${COUNT} unread`) }));
  await chat.click();
  const log = page.getByRole('log');
  await visible(log.getByText(`note ${COUNT} of ${COUNT}`, { exact: true }));
  checkEqual(await log.getByText(`note 1 of ${COUNT}`, { exact: true }).count(), 0, 'the first note before scrolling');
  await t.shot(page, 'newest');

  // Scroll to the top until the first message is there: each scroll loads one older page.
  await waitFor(async () => {
    await log.evaluate((el) => { el.scrollTop = 0; el.dispatchEvent(new Event('scroll')); });
    return (await log.getByText(`note 1 of ${COUNT}`, { exact: true }).count()) === 1;
  }, { what: 'the oldest message after scrolling up' });
  for (const n of [1, 2, 31, 40, COUNT]) {
    checkEqual(await log.getByText(`note ${n} of ${COUNT}`, { exact: true }).count(), 1, `note ${n} shown once`);
  }
  await t.shot(page, 'oldest');

  await page.getByRole('button', { name: 'Mark read', exact: true }).click();
  await waitFor(async () => (await greta()).unread_count === 0, { what: 'the chat read in Telegram' });
  await waitFor(async () => (await page.getByRole('button', { name: /^Greta/ }).textContent()).includes('unread') === false,
    { what: 'the unread count gone from the chat list' });
});
