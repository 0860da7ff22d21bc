// Small shared pieces: the htm binding, times, errors, dialogs.

import { h } from './vendor/preact.mjs';
import { useEffect, useRef, useState } from './vendor/hooks.mjs';
import htm from './vendor/htm.mjs';

export const html = htm.bind(h);

// A time in the browser's locale; '—' when there is none.
export function fmtTime(value) {
  if (!value) return '—';
  const d = new Date(typeof value === 'number' ? value * 1000 : value);
  return Number.isNaN(d.getTime()) ? String(value) : d.toLocaleString();
}

export function errorText(e) {
  if (!e) return '';
  if (typeof e === 'string') return e;
  if (e instanceof TypeError) return 'The gateway cannot be reached. Check the connection and try again.';
  return e.message || String(e);
}

// An error message read out when it appears.
export function Alert({ error }) {
  if (!error) return null;
  return html`<p class="error" role="alert">${errorText(error)}</p>`;
}

let idCounter = 0;
// A stable id for label/aria wiring.
export function useId(prefix = 'f') {
  const ref = useRef(null);
  if (ref.current === null) ref.current = `${prefix}-${++idCounter}`;
  return ref.current;
}

// A modal <dialog> opened with showModal(); onClose runs when it closes
// (Escape, the close button, or the owner unmounting it after onClose).
export function Modal({ title, onClose, children, className = '' }) {
  const ref = useRef(null);
  const titleId = useId('dlg');
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    const closed = () => closeRef.current && closeRef.current();
    dialog.addEventListener('close', closed);
    return () => {
      dialog.removeEventListener('close', closed);
      if (dialog.open) dialog.close();
      // The opener may be gone (an unlinked account): keep the focus in the page.
      setTimeout(() => {
        const heading = document.querySelector('main h1');
        if (document.activeElement === document.body && heading) heading.focus();
      }, 0);
    };
  }, []);
  return html`
    <dialog ref=${ref} class=${`modal ${className}`} aria-labelledby=${titleId}>
      <div class="modal-head">
        <h2 id=${titleId}>${title}</h2>
        <button type="button" class="icon-button" aria-label="Close" onClick=${() => ref.current.close()}>×</button>
      </div>
      ${children}
    </dialog>`;
}

// Asks before something that cannot be undone. onConfirm may be async; its
// error is shown in the dialog.
export function ConfirmDialog({ title, message, confirmLabel, onConfirm, onClose }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return html`
    <${Modal} title=${title} onClose=${onClose}>
      <p>${message}</p>
      <${Alert} error=${error} />
      <div class="row">
        <button type="button" class="danger" disabled=${busy} onClick=${confirm}>${confirmLabel}</button>
        <button type="button" class="secondary" onClick=${onClose}>Cancel</button>
      </div>
    <//>`;
}

// Something shown only once (a secret, a key, an invite), with a copy button.
export function OnceSecret({ label, value, onDone }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch { setCopied(false); }
  };
  return html`
    <div class="once" role="status">
      <p><strong>${label}</strong> It is shown only now: copy it and keep it safe.</p>
      <p><code class="secret">${value}</code></p>
      <div class="row">
        <button type="button" class="secondary" onClick=${copy}>${copied ? 'Copied' : 'Copy'}</button>
        <button type="button" class="secondary" onClick=${onDone}>Done</button>
      </div>
    </div>`;
}

export const isAdmin = (user) => !!user && (user.role === 'admin' || user.role === 'owner');
