// Messages of one account: its chats, a chat's history (older pages on
// scroll), live incoming messages, a send box with each send's state.

import { useEffect, useLayoutEffect, useRef, useState } from '../vendor/hooks.mjs';
import { api, enc } from '../api.mjs';
import { subscribe } from '../live.mjs';
import { html, Alert, fmtTime, useId } from '../ui.mjs';
import { accountName } from './accounts.mjs';
import { ChatList } from './chat_list.mjs';

const PAGE = 30;
const keyOf = (m) => (m.outbox_id ? `o${m.outbox_id}` : m.local ? `l${m.local}` : `m${m.message_id}`);

// Keeps one item per Telegram message: a local send that learnt its message_id
// wins over the same message read from the history or an event.
function dedupe(items) {
  const owner = new Map();
  for (const m of items) if (m.message_id && (m.state || !owner.has(m.message_id))) owner.set(m.message_id, m);
  return items.filter((m) => !m.message_id || owner.get(m.message_id) === m);
}

function Message({ m }) {
  const text = m.text || (m.content_type ? `[${m.content_type.replace(/^message_?/, '') || 'media'}]` : '');
  return html`
    <li class=${`msg ${m.is_outgoing ? 'out' : 'in'}`}>
      <div class="meta">
        <span class="from">${m.is_outgoing ? 'You' : (m.from && (m.from.name || m.from.username)) || 'Someone'}</span>
        <time datetime=${m.date || ''}>${fmtTime(m.date)}</time>
        ${m.edit_date && html`<span class="muted">edited</span>`}
      </div>
      <p class="text">${text}</p>
      ${m.state && html`
        <p class=${`send-state state-${m.state}`}>${m.state}${m.error ? html`<span>: ${m.error.message || m.error.code}</span>` : ''}</p>`}
    </li>`;
}

function Composer({ onSend }) {
  const [text, setText] = useState('');
  const id = useId('msg');
  const submit = (e) => {
    e.preventDefault();
    if (!text.trim()) return;
    onSend(text);
    setText('');
  };
  const key = (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) submit(e);
  };
  return html`
    <form class="composer" onSubmit=${submit}>
      <label for=${id}>Message</label>
      <div class="row">
        <textarea id=${id} rows="2" value=${text} aria-describedby=${`${id}-hint`}
                  onInput=${(e) => setText(e.currentTarget.value)} onKeyDown=${key}></textarea>
        <button type="submit">Send</button>
      </div>
      <p class="hint" id=${`${id}-hint`}>Enter sends; Shift+Enter starts a new line.</p>
    </form>`;
}

function ChatView({ accountId, chat, onRead }) {
  const base = `/v1/accounts/${enc(accountId)}/chats/${enc(chat.chat_id)}`;
  const [items, setItems] = useState([]);
  const [cursor, setCursor] = useState(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState(null);
  const [readInfo, setReadInfo] = useState('');
  const logRef = useRef(null);
  const keep = useRef(null); // 'bottom' or the distance from the bottom to restore
  const loadingOlder = useRef(false);

  const setAll = (fn) => setItems((list) => dedupe(fn(list)));

  useEffect(() => {
    let stale = false;
    setItems([]); setCursor(null); setLoading(true); setError(null); setReadInfo('');
    api.get(`${base}/messages?limit=${PAGE}`).then((page) => {
      if (stale) return;
      keep.current = 'bottom';
      setItems(dedupe(page.items.slice().reverse()));
      setCursor(page.next_cursor);
    }).catch((e) => { if (!stale) setError(e); }).finally(() => { if (!stale) setLoading(false); });
    return () => { stale = true; };
  }, [accountId, chat.chat_id]);

  const older = async () => {
    if (!cursor || loadingOlder.current) return;
    loadingOlder.current = true;
    const el = logRef.current;
    try {
      const page = await api.get(`${base}/messages?limit=${PAGE}&cursor=${enc(cursor)}`);
      keep.current = el ? el.scrollHeight - el.scrollTop : null;
      setAll((list) => [...page.items.slice().reverse(), ...list]);
      setCursor(page.next_cursor);
    } catch (e) { setError(e); }
    loadingOlder.current = false;
  };

  useLayoutEffect(() => {
    const el = logRef.current;
    if (!el || keep.current === null) return;
    el.scrollTop = keep.current === 'bottom' ? el.scrollHeight : el.scrollHeight - keep.current;
    keep.current = null;
  }, [items]);

  const nearBottom = () => {
    const el = logRef.current;
    return !el || el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  };
  const add = (m) => {
    if (nearBottom()) keep.current = 'bottom';
    setAll((list) => (list.some((x) => x.message_id && x.message_id === m.message_id) ? list : [...list, m]));
  };
  const update = (match, patch) => {
    const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    setAll((list) => list.map((x) => (match(x) ? { ...x, ...set } : x)));
  };

  useEffect(() => subscribe((type, event) => {
    if (!event || event.account_id !== accountId) return;
    const d = event.data || {};
    const here = (id) => String(id) === String(chat.chat_id);
    if (type === 'message.received' && d.message && here(d.message.chat_id)) add(d.message);
    else if (type === 'message.sent' && d.message && here(d.message.chat_id)) {
      // Ours (its outbox entry is on screen) or sent elsewhere; it may also come
      // before our POST answered, and send() then drops its placeholder.
      if (nearBottom()) keep.current = 'bottom';
      const sent = { ...d.message, outbox_id: d.outbox_id || undefined, state: 'sent' };
      setAll((list) => {
        if (d.outbox_id && list.some((x) => x.outbox_id === d.outbox_id)) {
          return list.map((x) => (x.outbox_id === d.outbox_id ? { ...x, ...sent } : x));
        }
        return list.some((x) => x.message_id && x.message_id === sent.message_id) ? list : [...list, sent];
      });
    } else if (type === 'message.failed' && d.outbox_id) {
      update((x) => x.outbox_id === d.outbox_id, { state: 'failed', error: d.error });
    } else if (type === 'message.edited' && here(d.chat_id)) {
      update((x) => x.message_id === d.message_id, { text: d.text, edit_date: d.edit_date });
    } else if (type === 'message.deleted' && here(d.chat_id)) {
      const gone = new Set(d.message_ids || []);
      setAll((list) => list.filter((x) => !gone.has(x.message_id)));
    }
  }), [accountId, chat.chat_id]);

  // POST with its own Idempotency-Key; then GET /v1/outbox/{id} until it settles.
  const send = async (text) => {
    const local = crypto.randomUUID();
    keep.current = 'bottom';
    setAll((list) => [...list, { local, text, is_outgoing: true, date: new Date().toISOString(), state: 'queued' }]);
    const mine = (x) => x.local === local;
    let entry;
    try {
      entry = await api.post(`/v1/accounts/${enc(accountId)}/messages`, { to: String(chat.chat_id), text },
        { headers: { 'Idempotency-Key': local } });
    } catch (e) {
      update(mine, { state: 'failed', error: { message: e.message } });
      return;
    }
    const posted = { outbox_id: entry.id, state: entry.state, message_id: entry.message_id || undefined, error: entry.error };
    let echoed = false;
    setAll((list) => {
      // Its message.sent event came first: that copy stays, the placeholder goes.
      echoed = list.some((x) => !x.local && x.outbox_id === entry.id);
      return echoed ? list.filter((x) => !mine(x)) : list.map((x) => (mine(x) ? { ...x, ...posted } : x));
    });
    for (let i = 0; i < 180 && !echoed && (entry.state === 'queued' || entry.state === 'sending'); i++) {
      await new Promise((r) => setTimeout(r, 1000));
      try { entry = await api.get(`/v1/outbox/${enc(entry.id)}`); } catch { continue; }
      update(mine, { state: entry.state, message_id: entry.message_id || undefined, error: entry.error,
        date: entry.date || undefined });
    }
  };

  const markRead = async () => {
    setReadInfo('');
    try {
      const r = await api.post(`${base}/read`, {});
      onRead(r.unread_count ?? 0);
      setReadInfo('Marked as read.');
    } catch (e) { setError(e); }
  };

  return html`
    <section class="chat" aria-labelledby="chat-title">
      <div class="chat-head">
        <a class="back" href=${`#/accounts/${enc(accountId)}/messages`}>‹ Chats</a>
        <h2 id="chat-title">${chat.title || chat.chat_id}</h2>
        <button type="button" class="secondary" onClick=${markRead}>Mark read</button>
      </div>
      ${readInfo && html`<p class="visually-hidden" role="status">${readInfo}</p>`}
      <${Alert} error=${error} />
      <div class="history" role="log" aria-label=${`Chat history: ${chat.title || chat.chat_id}`} tabindex="0"
           ref=${logRef} onScroll=${(e) => { if (e.currentTarget.scrollTop < 60) older(); }}>
        ${cursor && html`<button type="button" class="link-button older" onClick=${older}>Load older messages</button>`}
        ${loading && html`<p class="muted">Loading messages…</p>`}
        ${!loading && !items.length && !error && html`<p class="muted">No messages yet.</p>`}
        <ul>${items.map((m) => html`<${Message} key=${keyOf(m)} m=${m} />`)}</ul>
      </div>
      <${Composer} onSend=${send} />
    </section>`;
}

export function MessagesPage({ accountId, chatId }) {
  const [account, setAccount] = useState(null);
  const [error, setError] = useState(null);
  const [chats, setChats] = useState(null);
  const [chatsCursor, setChatsCursor] = useState(null);
  const chatsBase = `/v1/accounts/${enc(accountId)}/chats?limit=100`;

  const loadChats = async () => {
    try {
      const page = await api.get(chatsBase);
      setChats(page.items);
      setChatsCursor(page.next_cursor);
    } catch (e) { setError(e); setChats((c) => c || []); }
  };
  const moreChats = async () => {
    try {
      const page = await api.get(`${chatsBase}&cursor=${enc(chatsCursor)}`);
      setChats((c) => [...(c || []), ...page.items.filter((n) => !(c || []).some((o) => o.chat_id === n.chat_id))]);
      setChatsCursor(page.next_cursor);
    } catch (e) { setError(e); }
  };
  const patchChat = (id, fn) => setChats((list) => (list || []).map((c) => (String(c.chat_id) === String(id) ? fn(c) : c)));

  useEffect(() => {
    setAccount(null); setChats(null); setError(null);
    api.get(`/v1/accounts/${enc(accountId)}`).then(setAccount).catch(setError);
    loadChats();
    return subscribe((type, event) => {
      if (type === 'live.reconnected') { loadChats(); return; }
      if (!event || event.account_id !== accountId) return;
      const d = event.data || {};
      if (type === 'account.status') setAccount((a) => (a ? { ...a, status: d.status } : a));
      if (type === 'message.received' && d.message) {
        const open = String(d.message.chat_id) === String(location.hash.split('/')[4] || '');
        let found = false;
        setChats((list) => {
          const items = list || [];
          found = items.some((c) => String(c.chat_id) === String(d.message.chat_id));
          const bumped = items.map((c) => (String(c.chat_id) === String(d.message.chat_id)
            ? { ...c, unread_count: (c.unread_count || 0) + (open ? 0 : 1), last_message: d.message } : c));
          const hit = bumped.find((c) => String(c.chat_id) === String(d.message.chat_id));
          return hit ? [hit, ...bumped.filter((c) => c !== hit)] : bumped;
        });
        if (!found) loadChats();
      } else if (type === 'chat.read') {
        patchChat(d.chat_id, (c) => ({ ...c, unread_count: d.unread_count }));
      }
    });
  }, [accountId]);

  const chat = chatId && chats ? chats.find((c) => String(c.chat_id) === String(chatId)) || { chat_id: chatId } : null;
  const name = account ? accountName(account) : 'Messages';
  return html`
    <div class="page-head">
      <h1 tabindex="-1">${name}</h1>
      ${account && html`<span class="status-line"><span class="visually-hidden">Status: </span><span class=${`status status-${account.status}`}>${account.status}</span></span>`}
      <a class="back-accounts" href="#/accounts">All accounts</a>
    </div>
    <${Alert} error=${error} />
    <div class=${`messages-layout ${chat ? 'has-chat' : ''}`}>
      <${ChatList} accountId=${accountId} chats=${chats} current=${chatId} more=${chatsCursor ? moreChats : null} />
      ${chat ? html`<${ChatView} key=${chat.chat_id} accountId=${accountId} chat=${chat}
                      onRead=${(n) => patchChat(chat.chat_id, (c) => ({ ...c, unread_count: n }))} />`
        : html`<p class="muted pick">Choose a chat to read its messages.</p>`}
    </div>`;
}
