// Live events over one EventSource('/v1/events/stream') for the whole page.
// Pages subscribe with a callback (type, event); after a reconnect they get a
// synthetic 'live.reconnected' so that they re-read what they show.

import { refreshSession, endSession } from './api.mjs';

const TYPES = [
  'account.status', 'login.state', 'message.received', 'message.sent', 'message.failed',
  'message.edited', 'message.deleted', 'message.read', 'chat.read', 'webhook.disabled', 'bot.status',
];

const listeners = new Set();
let source = null;
let lastSeq = null;
let retryTimer = null;
let backoff = 1000;
let opened = false;
let wanted = false;

function dispatch(type, event) {
  for (const fn of listeners) {
    try { fn(type, event); } catch (e) { console.error('live listener', e); }
  }
}

function connect() {
  const params = new URLSearchParams({ types: TYPES.join(',') });
  if (lastSeq !== null) params.set('after', lastSeq);
  const es = new EventSource(`/v1/events/stream?${params}`);
  source = es;
  es.onopen = () => {
    backoff = 1000;
    if (opened) dispatch('live.reconnected', null);
    opened = true;
  };
  for (const type of TYPES) {
    es.addEventListener(type, (msg) => {
      let event = null;
      try { event = JSON.parse(msg.data); } catch { return; }
      if (msg.lastEventId) lastSeq = msg.lastEventId;
      else if (event && event.seq) lastSeq = String(event.seq);
      dispatch(type, event);
    });
  }
  es.onerror = () => {
    // The browser retries by itself unless the stream was refused (401, ...).
    if (es.readyState !== EventSource.CLOSED) return;
    es.close();
    if (source === es) source = null;
    if (!wanted) return;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(async () => {
      if (!wanted) return;
      try {
        if (!(await refreshSession())) { endSession(); return; } // the app shows sign-in
      } catch { /* the network is down: try again later */ }
      backoff = Math.min(backoff * 2, 30000);
      if (wanted && !source) connect();
    }, backoff);
  };
}

export function startLive() {
  wanted = true;
  if (!source) connect();
}

export function stopLive() {
  wanted = false;
  clearTimeout(retryTimer);
  if (source) source.close();
  source = null;
  opened = false;
  lastSeq = null;
}

// fn(type, event) for every event; returns the unsubscribe function.
export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
