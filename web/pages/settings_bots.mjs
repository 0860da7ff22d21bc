// Settings: the tenant's Telegram bots (README "Bots").

import { useEffect, useState } from '../vendor/hooks.mjs';
import { api, enc } from '../api.mjs';
import { subscribe } from '../live.mjs';
import { html, Alert, useId } from '../ui.mjs';
import { useList, TextField, RemoveButton } from './forms.mjs';

const FEATURES = [
  ['accounts', 'Accounts: people link their own account in the bot chat'],
  ['terminal', 'Terminal: read and answer private messages in the bot chat'],
  ['notify', 'Notify: watcher and health notifications'],
  ['relay', 'Relay: mirror chats into a work group'],
];

function FeatureBox({ feature, label, checked, onChange }) {
  const id = useId('feat');
  return html`
    <div class="toggle">
      <input type="checkbox" id=${id} checked=${checked} onChange=${(e) => onChange(feature, e.currentTarget.checked)} />
      <label for=${id}>${label}</label>
    </div>`;
}

export function BotsSection() {
  const list = useList('/v1/bots?limit=500');
  const [token, setToken] = useState('');
  const [features, setFeatures] = useState(['accounts']);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [added, setAdded] = useState('');

  useEffect(() => subscribe((type) => { if (type === 'bot.status') list.reload(); }), []);

  const toggle = (f, on) => setFeatures((fs) => (on ? [...fs.filter((x) => x !== f), f] : fs.filter((x) => x !== f)));
  const add = async (e) => {
    e.preventDefault();
    setBusy(true); setError(null); setAdded('');
    try {
      const bot = await api.post('/v1/bots', { token: token.trim(), features });
      setToken('');
      setAdded(`@${bot.username} runs now.`);
      list.reload();
    } catch (err) { setError(err); }
    setBusy(false);
  };

  return html`
    <section class="card" aria-labelledby="s-bots">
      <h2 id="s-bots">Bots</h2>
      <${Alert} error=${list.error} />
      ${list.items && list.items.length === 0 && html`<p class="muted">No bot yet.</p>`}
      ${list.items && list.items.length > 0 && html`
        <div class="table-wrap"><table>
          <caption class="visually-hidden">Bots</caption>
          <thead><tr><th scope="col">Bot</th><th scope="col">Status</th><th scope="col">Features</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>${list.items.map((b) => html`
            <tr key=${b.id}>
              <td id=${`bot-${b.id}`}>${b.username ? `@${b.username}` : b.id}</td>
              <td><span class=${`status status-${b.status}`}>${b.status}</span>
                ${b.last_error && html`<div class="muted break">${b.last_error}</div>`}</td>
              <td>${(b.features || []).join(', ')}</td>
              <td><${RemoveButton} label="Delete" describedBy=${`bot-${b.id}`} title=${`Delete @${b.username || b.id}?`}
                    message="The bot stops and does not come back after a restart." confirmLabel="Delete bot"
                    onConfirm=${async () => { await api.del(`/v1/bots/${enc(b.id)}`); list.reload(); }} /></td>
            </tr>`)}</tbody>
        </table></div>`}
      <form class="inline-form" onSubmit=${add}>
        <h3>Add a bot</h3>
        <${TextField} label="Bot token" type="password" value=${token} onInput=${setToken} required
                      hint="From @BotFather, like 123456789:AAH…" />
        <fieldset>
          <legend>Features</legend>
          ${FEATURES.map(([f, label]) => html`
            <${FeatureBox} key=${f} feature=${f} label=${label} checked=${features.includes(f)} onChange=${toggle} />`)}
        </fieldset>
        <${Alert} error=${error} />
        ${added && html`<p role="status">${added}</p>`}
        <button type="submit" disabled=${busy || features.length === 0}>Add bot</button>
      </form>
    </section>`;
}
