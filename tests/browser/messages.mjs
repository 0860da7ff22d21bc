// Messages in the dashboard, live: with an account linked, a message someone sends it in
// tgsim shows up on the open page through the event stream (EventSource on the session
// cookie), and a reply typed in the page reaches that person.
// Beyond the contract, it uses the names of the ui branch's pages: the account's "Messages"
// link, the "Chats" heading, a chat's button named by its title, the history (role log),
// the "Message" field and the "Send" button.
import { scenario, api, sim, env, visible, waitFor, signedIn, signIn } from './lib.mjs';

const ACCOUNT = '+15550008001';
const FRIEND = '+15550008002';
const REPLY = 'Hi Felix, from the dashboard';

scenario(async (t) => {
  const owner = await api.login();
  await sim.createUser(ACCOUNT, 'Mia');
  await sim.createUser(FRIEND, 'Felix');
  await api.linkByPhone(owner.access_token, ACCOUNT);

  const page = await t.page();
  // The page opens its event stream once signed in; the message below must come after that.
  const streaming = page.waitForResponse((r) => r.url().startsWith(env.tgmux + '/v1/events/stream'));
  await page.goto(env.tgmux + '/');
  await signIn(page);
  await signedIn(page);
  const stream = await streaming;
  if (stream.status() !== 200) throw new Error(`the event stream answered ${stream.status()}`);
  await page.getByRole('link', { name: 'Messages', exact: true }).click();
  await visible(page.getByRole('heading', { name: 'Chats', exact: true }));
  await waitFor(async () => (await page.getByText(/^Loading/).count()) === 0, { what: 'the chats to load' });

  await sim.sendMessage(FRIEND, ACCOUNT, 'Hello from Felix');
  const chat = await visible(page.getByRole('button', { name: /^Felix/ }));
  await t.shot(page, 'arrived');
  await chat.click();
  await visible(page.getByRole('log').getByText('Hello from Felix'));

  await page.getByLabel('Message', { exact: true }).fill(REPLY);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  // Shown once: the message that came back from Telegram takes the place of the one typed.
  const replies = page.getByRole('log').getByText(REPLY);
  await waitFor(async () => (await replies.count()) === 1, { what: 'the reply shown exactly once' });
  await waitFor(async () => {
    const seen = await sim.request('GET', `/users/${encodeURIComponent(FRIEND)}/messages?with=${encodeURIComponent(ACCOUNT)}`);
    return seen.body?.messages?.some((m) => m.text === REPLY);
  }, { what: 'Felix to receive the reply', timeoutMs: 15_000 });
  await t.shot(page, 'replied');
});
