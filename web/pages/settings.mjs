// Settings (admins and owners): webhooks, API keys, members, audit log, bots.

import { useEffect, useState } from '../vendor/hooks.mjs';
import { api, enc } from '../api.mjs';
import { subscribe } from '../live.mjs';
import { html, Alert, OnceSecret, fmtTime } from '../ui.mjs';
import { useList, TextField, SelectField, RemoveButton } from './forms.mjs';
import { MembersSection, AuditSection } from './settings_people.mjs';
import { BotsSection } from './settings_bots.mjs';

function WebhooksSection() {
  const list = useList('/v1/webhooks?limit=500');
  const [url, setUrl] = useState('');
  const [types, setTypes] = useState('');
  const [secret, setSecret] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => subscribe((type) => { if (type === 'webhook.disabled') list.reload(); }), []);

  const create = async (e) => {
    e.preventDefault();
    setBusy(true); setError(null);
    const body = { url: url.trim() };
    const t = types.split(',').map((s) => s.trim()).filter(Boolean);
    if (t.length) body.types = t;
    try {
      const hook = await api.post('/v1/webhooks', body);
      setSecret(hook.secret);
      setUrl(''); setTypes('');
      list.reload();
    } catch (err) { setError(err); }
    setBusy(false);
  };

  return html`
    <section class="card" aria-labelledby="s-webhooks">
      <h2 id="s-webhooks">Webhooks</h2>
      <${Alert} error=${list.error} />
      ${list.items && list.items.length === 0 && html`<p class="muted">No webhook yet.</p>`}
      ${list.items && list.items.length > 0 && html`
        <div class="table-wrap"><table>
          <caption class="visually-hidden">Webhooks</caption>
          <thead><tr><th scope="col">URL</th><th scope="col">Events</th><th scope="col">State</th>
            <th scope="col">Delivered</th><th scope="col">Failures</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>${list.items.map((w) => html`
            <tr key=${w.id}>
              <td class="break" id=${`wh-${w.id}`}>${w.url}</td>
              <td>${w.types && w.types.length ? w.types.join(', ') : 'all'}</td>
              <td><span class=${`status status-${w.state}`}>${w.state}</span>
                ${w.disabled_reason && html`<div class="muted">${w.disabled_reason}</div>`}</td>
              <td>${w.delivered_count}</td>
              <td>${w.attempts ? `${w.attempts} attempts since ${fmtTime(w.failing_since)}` : 'none'}
                ${w.last_error && html`<div class="muted break">${w.last_error}</div>`}
                ${w.next_attempt_at && html`<div class="muted">next ${fmtTime(w.next_attempt_at)}</div>`}</td>
              <td><${RemoveButton} label="Delete" describedBy=${`wh-${w.id}`} title="Delete this webhook?"
                    message=${`Events stop going to ${w.url}.`} confirmLabel="Delete webhook"
                    onConfirm=${async () => { await api.del(`/v1/webhooks/${enc(w.id)}`); list.reload(); }} /></td>
            </tr>`)}</tbody>
        </table></div>`}
      ${secret ? html`<${OnceSecret} label="The webhook's signing secret:" value=${secret} onDone=${() => setSecret(null)} />` : html`
        <form class="inline-form" onSubmit=${create}>
          <h3>New webhook</h3>
          <${TextField} label="URL" type="url" value=${url} onInput=${setUrl} required placeholder="https://example.com/tgmux" />
          <${TextField} label="Event types" value=${types} onInput=${setTypes}
                        hint="Comma-separated, e.g. message.received, account.status. Empty: every event." />
          <${Alert} error=${error} />
          <button type="submit" disabled=${busy}>Create webhook</button>
        </form>`}
    </section>`;
}

function ApiKeysSection() {
  const list = useList('/v1/api-keys?limit=500');
  const [name, setName] = useState('');
  const [role, setRole] = useState('operator');
  const [key, setKey] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  const create = async (e) => {
    e.preventDefault();
    setBusy(true); setError(null);
    try {
      const made = await api.post('/v1/api-keys', { name: name.trim(), role });
      setKey(made.key);
      setName('');
      list.reload();
    } catch (err) { setError(err); }
    setBusy(false);
  };
  const active = (list.items || []).filter((k) => !k.revoked_at);

  return html`
    <section class="card" aria-labelledby="s-keys">
      <h2 id="s-keys">API keys</h2>
      <${Alert} error=${list.error} />
      ${list.items && active.length === 0 && html`<p class="muted">No API key yet.</p>`}
      ${active.length > 0 && html`
        <div class="table-wrap"><table>
          <caption class="visually-hidden">API keys</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Created</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>${active.map((k) => html`
            <tr key=${k.id}>
              <td id=${`key-${k.id}`}>${k.name}</td><td>${k.role}</td><td>${fmtTime(k.created_at)}</td>
              <td><${RemoveButton} label="Revoke" describedBy=${`key-${k.id}`} title=${`Revoke the key ${k.name}?`}
                    message="It stops working at once." confirmLabel="Revoke key"
                    onConfirm=${async () => { await api.del(`/v1/api-keys/${enc(k.id)}`); list.reload(); }} /></td>
            </tr>`)}</tbody>
        </table></div>`}
      ${key ? html`<${OnceSecret} label="The new API key:" value=${key} onDone=${() => setKey(null)} />` : html`
        <form class="inline-form" onSubmit=${create}>
          <h3>New API key</h3>
          <${TextField} label="Name" value=${name} onInput=${setName} required placeholder="crm" />
          <${SelectField} label="Role" value=${role} onChange=${setRole}
                          options=${[['operator', 'operator'], ['admin', 'admin']]} />
          <${Alert} error=${error} />
          <button type="submit" disabled=${busy}>Create key</button>
        </form>`}
    </section>`;
}

export function SettingsPage({ user }) {
  return html`
    <h1 tabindex="-1">Settings</h1>
    <div class="settings">
      <${WebhooksSection} />
      <${ApiKeysSection} />
      <${MembersSection} user=${user} />
      <${AuditSection} />
      <${BotsSection} />
    </div>`;
}
