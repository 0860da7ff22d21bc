// The chat list of an account: one button per chat, with its unread count.

import { enc } from '../api.mjs';
import { html } from '../ui.mjs';

function preview(m) {
  if (!m) return '';
  return m.text || (m.content_type ? `[${m.content_type}]` : '');
}

export function ChatList({ accountId, chats, current, more }) {
  const open = (id) => { location.hash = `#/accounts/${enc(accountId)}/messages/${enc(id)}`; };
  return html`
    <section class="chats" aria-labelledby="chats-title">
      <h2 id="chats-title">Chats</h2>
      ${chats === null && html`<p class="muted">Loading chats…</p>`}
      ${chats && chats.length === 0 && html`<p class="muted">No chats.</p>`}
      <ul>
        ${(chats || []).map((c) => html`
          <li key=${c.chat_id}>
            <button type="button" class="chat-button" aria-current=${String(c.chat_id) === String(current) ? 'true' : undefined}
                    aria-describedby=${`chat-preview-${c.chat_id}`} onClick=${() => open(c.chat_id)}>
              <span class="chat-title">${c.title || c.username || c.chat_id}</span>
              ${c.unread_count > 0 && html`
                <span class="unread">${c.unread_count}<span class="visually-hidden"> unread</span></span>`}
              <span class="chat-preview" id=${`chat-preview-${c.chat_id}`} aria-hidden="true">${preview(c.last_message)}</span>
            </button>
          </li>`)}
      </ul>
      ${more && html`<button type="button" class="link-button" onClick=${more}>More chats</button>`}
    </section>`;
}
