// Settings: members and invites, and the audit log.

import { useEffect, useState } from '../vendor/hooks.mjs';
import { api, enc } from '../api.mjs';
import { html, Alert, OnceSecret, fmtTime } from '../ui.mjs';
import { useList, TextField, SelectField, RemoveButton } from './forms.mjs';

const ROLES = ['operator', 'admin', 'owner'];

function RoleCell({ member, user, onChanged }) {
  const [error, setError] = useState(null);
  if (user.role !== 'owner') return html`${member.role}`;
  const change = async (role) => {
    setError(null);
    try { onChanged(await api.patch(`/v1/tenant/members/${enc(member.id)}`, { role })); } catch (e) { setError(e); onChanged(member); }
  };
  return html`
    <label class="visually-hidden" for=${`role-${member.id}`}>Role of ${member.email}</label>
    <select id=${`role-${member.id}`} value=${member.role} onChange=${(e) => change(e.currentTarget.value)}>
      ${ROLES.map((r) => html`<option value=${r}>${r}</option>`)}
    </select>
    <${Alert} error=${error} />`;
}

export function MembersSection({ user }) {
  const members = useList('/v1/tenant/members?limit=500');
  const invites = useList('/v1/tenant/invites?limit=500');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('operator');
  const [invite, setInvite] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const canRemove = (m) => m.id !== user.id && (user.role === 'owner' || m.role === 'operator');
  const inviteRoles = user.role === 'owner' ? [['operator', 'operator'], ['admin', 'admin']] : [['operator', 'operator']];

  const create = async (e) => {
    e.preventDefault();
    setBusy(true); setError(null);
    try {
      const made = await api.post('/v1/tenant/members', { email: email.trim(), role });
      setInvite({ email: made.email, code: made.invite });
      setEmail('');
      invites.reload();
    } catch (err) { setError(err); }
    setBusy(false);
  };
  const replace = (m) => members.setItems((list) => list.map((x) => (x.id === m.id ? m : x)));
  const pending = (invites.items || []).filter((i) => !i.used_at && Date.parse(i.expires_at) > Date.now());

  return html`
    <section class="card" aria-labelledby="s-members">
      <h2 id="s-members">Members</h2>
      <${Alert} error=${members.error} />
      ${members.items && members.items.length > 0 && html`
        <div class="table-wrap"><table>
          <caption class="visually-hidden">Members</caption>
          <thead><tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Joined</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>${members.items.map((m) => html`
            <tr key=${m.id}>
              <td class="break" id=${`mem-${m.id}`}>${m.email}${m.id === user.id ? ' (you)' : ''}</td>
              <td><${RoleCell} member=${m} user=${user} onChanged=${replace} /></td>
              <td>${fmtTime(m.created_at)}</td>
              <td>${canRemove(m) && html`<${RemoveButton} label="Remove" describedBy=${`mem-${m.id}`}
                    title=${`Remove ${m.email}?`} message="Their sessions and API keys stop working at once."
                    confirmLabel="Remove member"
                    onConfirm=${async () => { await api.del(`/v1/tenant/members/${enc(m.id)}`); members.reload(); }} />`}</td>
            </tr>`)}</tbody>
        </table></div>`}
      <h3>Invites</h3>
      <${Alert} error=${invites.error} />
      ${invites.items && pending.length === 0 && html`<p class="muted">No open invite.</p>`}
      ${pending.length > 0 && html`
        <ul class="plain">${pending.map((i) => html`
          <li key=${i.id}>${i.email} as ${i.role}, valid until ${fmtTime(i.expires_at)}</li>`)}</ul>`}
      ${invite ? html`<${OnceSecret} label=${`The invite for ${invite.email}:`} value=${invite.code}
                       onDone=${() => setInvite(null)} />` : html`
        <form class="inline-form" onSubmit=${create}>
          <h3>Invite someone</h3>
          <${TextField} label="Email" type="email" value=${email} onInput=${setEmail} required />
          <${SelectField} label="Role" value=${role} onChange=${setRole} options=${inviteRoles} />
          <${Alert} error=${error} />
          <button type="submit" disabled=${busy}>Invite</button>
        </form>`}
    </section>`;
}

function details(detail) {
  if (!detail || typeof detail !== 'object') return '';
  return Object.entries(detail).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(', ');
}

export function AuditSection() {
  const [items, setItems] = useState(null);
  const [cursor, setCursor] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const load = async (from) => {
    setBusy(true);
    try {
      const page = await api.get(`/v1/audit?limit=50${from ? `&cursor=${enc(from)}` : ''}`);
      setItems((old) => (from ? [...(old || []), ...page.items] : page.items));
      setCursor(page.next_cursor);
      setError(null);
    } catch (e) { setError(e); setItems((old) => old || []); }
    setBusy(false);
  };
  useEffect(() => { load(null); }, []);
  return html`
    <section class="card" aria-labelledby="s-audit">
      <h2 id="s-audit">Audit log</h2>
      <${Alert} error=${error} />
      ${items && items.length === 0 && html`<p class="muted">Nothing recorded yet.</p>`}
      ${items && items.length > 0 && html`
        <div class="table-wrap audit" tabindex="0" role="region" aria-label="Audit entries"><table>
          <caption class="visually-hidden">Audit log, newest first</caption>
          <thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Who</th>
            <th scope="col">Address</th><th scope="col">Details</th></tr></thead>
          <tbody>${items.map((a) => html`
            <tr key=${a.seq}>
              <td>${fmtTime(a.at)}</td><td>${a.event}</td><td class="break">${a.actor || '—'}</td>
              <td>${a.ip || '—'}</td><td class="break">${details(a.detail)}</td>
            </tr>`)}</tbody>
        </table></div>`}
      <div class="row">
        ${cursor && html`<button type="button" class="secondary" disabled=${busy} onClick=${() => load(cursor)}>Load more</button>`}
        <button type="button" class="secondary" disabled=${busy} onClick=${() => load(null)}>Refresh</button>
      </div>
    </section>`;
}
