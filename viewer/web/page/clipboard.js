'use strict';
// xfar web viewer: the clipboard, both ways, over the display server's
// /clipboard endpoints (full-control viewers only; the server refuses
// view-only tokens).
//
// Paste: a paste key (Ctrl+V, Cmd+V, Ctrl+Shift+V, Shift+Insert) is held
// back, the browser's paste event (or, where none comes, the Clipboard
// API) gives us the local clipboard, which goes to the display's CLIPBOARD
// and PRIMARY; then the held keys go on, so the X program pastes what the
// user copied on their own machine. A paste from the browser's menu only
// sets the display's clipboard.
//
// Copy: when the display's CLIPBOARD or PRIMARY changes (the latest of
// the two wins), its text (or PNG) is written to the local clipboard at
// once if the browser allows it, else at the next key press or click. The
// clipboard button opens a panel that shows the display's clipboard and
// copies it with the page's own copy command where the Clipboard API is
// refused.
(() => {
  const xfar = window.xfar;
  if (!xfar) return;
  const TEXT = 'text/plain;charset=utf-8';
  const PNG = 'image/png';
  const token = new URLSearchParams(location.search).get('token');
  const origin = 'page-' + Math.random().toString(36).slice(2, 10);
  const url = (path, params) => {
    const u = new URLSearchParams(params || {});
    if (token) u.set('token', token);
    const s = u.toString();
    return path + (s ? '?' + s : '');
  };
  // State for tests and the curious.
  const cb = (xfar.clipboard = {
    enabled: false, origin, sent: 0, received: 0, copied: 0, lastCopied: '', lastSent: '',
    pending: false, error: '', events: 0, pastedFrom: '',
  });

  // The button, the panel and the note.
  const mk = (tag, props, style) => {
    const e = Object.assign(document.createElement(tag), props);
    Object.assign(e.style, style || {});
    return e;
  };
  const button = mk('button', { id: 'xfar-clipboard', type: 'button', title: 'Clipboard: the display\'s and yours', textContent: 'Clipboard' },
    { position: 'fixed', left: '6px', bottom: '4px', zIndex: 2, font: '12px system-ui, sans-serif', padding: '2px 8px',
      background: 'rgba(0,0,0,.6)', color: '#ddd', border: '1px solid #555', borderRadius: '3px', display: 'none' });
  const panel = mk('div', { id: 'xfar-clipboard-panel' },
    { position: 'fixed', left: '6px', bottom: '30px', zIndex: 2, background: '#2a2a2a', border: '1px solid #555',
      borderRadius: '4px', padding: '6px', display: 'none', width: '360px' });
  const area = mk('textarea', { id: 'xfar-clipboard-text', rows: 6, spellcheck: false,
    placeholder: 'The display\'s clipboard appears here. Type or paste here and press "Send to display".' },
  { width: '100%', boxSizing: 'border-box', background: '#111', color: '#eee', border: '1px solid #444', font: '12px monospace' });
  const copyBtn = mk('button', { id: 'xfar-clipboard-copy', type: 'button', textContent: 'Copy to my clipboard' });
  const sendBtn = mk('button', { id: 'xfar-clipboard-send', type: 'button', textContent: 'Send to display' });
  const note = mk('div', { id: 'xfar-clipboard-note' },
    { position: 'fixed', left: '90px', bottom: '4px', zIndex: 2, padding: '2px 6px', background: 'rgba(0,0,0,.6)',
      borderRadius: '3px', pointerEvents: 'none', display: 'none' });
  panel.append(area, copyBtn, ' ', sendBtn);
  document.body.append(button, panel, note);
  let noteTimer = 0;
  const say = (t) => {
    note.textContent = t;
    note.style.display = t ? '' : 'none';
    clearTimeout(noteTimer);
    if (t) noteTimer = setTimeout(() => { note.style.display = 'none'; }, 4000);
  };
  const chars = (t) => `${[...t].length} character${[...t].length === 1 ? '' : 's'}`;

  // What the display offers and we have not yet put on the local clipboard.
  let pending = null; // {text} or {png: Blob}
  let shown = ''; // the display's latest text, for the panel

  async function check(r) {
    if (!r.ok) throw new Error(`${r.status} ${(await r.text()).trim()}`);
    return r;
  }

  // put sends local content to the display: text to CLIPBOARD and PRIMARY
  // (X programs paste either), an image to CLIPBOARD.
  async function put(data) {
    const signal = AbortSignal.timeout(10000);
    if (data.text != null) {
      await Promise.all(['clipboard', 'primary'].map((sel) => fetch(url('clipboard', { sel, origin }), {
        method: 'PUT', cache: 'no-store', headers: { 'Content-Type': TEXT }, body: data.text, signal,
      }).then(check)));
      cb.lastSent = data.text;
    } else if (data.png) {
      await fetch(url('clipboard', { sel: 'clipboard', origin }), {
        method: 'PUT', cache: 'no-store', headers: { 'Content-Type': PNG }, body: data.png, signal,
      }).then(check);
    } else {
      return;
    }
    cb.sent++;
  }

  function fromTransfer(dt) {
    if (!dt) return null;
    for (const f of dt.files || []) if (f.type === PNG) return { png: f };
    const t = dt.getData('text/plain');
    return t !== '' || dt.types.includes('text/plain') ? { text: t } : null;
  }

  async function readLocal() {
    const c = navigator.clipboard;
    if (!c) return null;
    if (c.read) {
      try {
        for (const item of await c.read()) {
          if (item.types.includes('text/plain')) return { text: await (await item.getType('text/plain')).text() };
          if (item.types.includes(PNG)) return { png: await item.getType(PNG) };
        }
        return null;
      } catch (_) { /* fall through to readText */ }
    }
    return { text: await c.readText() };
  }

  // A paste in progress: the key messages held back until the display has
  // the local clipboard.
  let pasting = null;
  async function finishPaste(data) {
    const p = pasting;
    if (p) clearTimeout(p.timer);
    try {
      if (data) await put(data);
    } catch (err) {
      cb.error = 'paste: ' + (err.message || err);
      say('could not send your clipboard to the display: ' + (err.message || err));
    }
    if (p && pasting === p) {
      pasting = null;
      for (const m of p.queue) xfar.send(m);
    }
  }
  const isPasteKey = (e) =>
    ((e.key === 'v' || e.key === 'V') && (e.ctrlKey || e.metaKey) && !e.altKey) || (e.key === 'Insert' && e.shiftKey && !e.ctrlKey);

  xfar.keyFilter = (e, m) => {
    if (!cb.enabled) return false;
    if (pasting) { // keys typed meanwhile keep their order
      e.preventDefault();
      pasting.queue.push(m);
      return true;
    }
    if (m.t !== 'kd' || !isPasteKey(e)) return false;
    // No preventDefault: the browser's paste event is what gives us the
    // clipboard without asking the user for a permission.
    pasting = { queue: [m] };
    pasting.timer = setTimeout(async () => {
      let data = null;
      try {
        data = await readLocal();
        cb.pastedFrom = 'api';
      } catch (err) {
        cb.error = 'read local clipboard: ' + (err.message || err);
        say('the browser did not let the page read your clipboard; the program pastes the display\'s own');
      }
      finishPaste(data);
    }, 150);
    // Never hold keys for long, whatever happens.
    setTimeout(() => { if (pasting && pasting.timer) finishPaste(null); }, 12000);
    return true;
  };

  document.addEventListener('paste', (e) => {
    if (!cb.enabled || e.target === area) return; // the panel's own field pastes natively
    e.preventDefault();
    const data = fromTransfer(e.clipboardData);
    cb.pastedFrom = 'event';
    if (pasting) {
      clearTimeout(pasting.timer);
      finishPaste(data);
      return;
    }
    // From the browser's menu: no key to forward.
    finishPaste(data).then(() => { if (data) say('your clipboard is on the display: paste there'); });
  });

  // Copy to the local clipboard.
  let forceCopy = null; // content the next copy event carries
  document.addEventListener('copy', (e) => {
    if (forceCopy == null || e.target === area) return;
    e.clipboardData.setData('text/plain', forceCopy);
    e.preventDefault();
  });
  function copied(p) {
    cb.copied++;
    cb.pending = false;
    pending = null;
    button.style.borderColor = '#555';
    if (p.text != null) {
      cb.lastCopied = p.text;
      say(`copied ${chars(p.text)} from the display to your clipboard`);
    } else {
      say('copied an image from the display to your clipboard');
    }
  }
  // tryCopy writes the pending content with the Clipboard API; inGesture
  // says a user gesture is running, when the page's own copy command also
  // works.
  async function tryCopy(inGesture) {
    const p = pending;
    if (!p) return;
    if (inGesture && p.text != null) {
      forceCopy = p.text;
      let ok = false;
      try { ok = document.execCommand('copy'); } catch (_) { ok = false; }
      forceCopy = null;
      if (ok) { copied(p); return; }
    }
    try {
      const c = navigator.clipboard;
      if (!c) throw new Error('no Clipboard API');
      if (p.text != null) await c.writeText(p.text);
      else await c.write([new ClipboardItem({ [PNG]: p.png })]);
      if (pending === p) copied(p);
    } catch (err) {
      if (pending === p && !cb.pending) {
        cb.pending = true;
        button.style.borderColor = '#ebcb8b';
        say('the display\'s clipboard changed: click or press a key to copy it here');
      }
    }
  }
  for (const type of ['keydown', 'mousedown', 'pointerup']) {
    window.addEventListener(type, () => { if (pending) tryCopy(true); }, true);
  }

  async function changed(ev) {
    cb.events++;
    if (ev.origin === origin || !ev.types || ev.types.length === 0) return;
    let p = null;
    if (ev.types.includes(TEXT)) {
      let text = ev.text || '';
      if (!ev.hasText) {
        const r = await fetch(url('clipboard', { sel: ev.selection, type: TEXT }), { cache: 'no-store' }).then(check);
        text = await r.text();
      }
      p = { text };
      shown = text;
      area.value = text;
    } else if (ev.types.includes(PNG)) {
      const r = await fetch(url('clipboard', { sel: ev.selection, type: PNG }), { cache: 'no-store' }).then(check);
      p = { png: await r.blob() };
    }
    if (!p) return;
    cb.received++;
    pending = p;
    tryCopy(navigator.userActivation ? navigator.userActivation.isActive : false);
  }

  // The panel.
  button.addEventListener('click', () => {
    const open = panel.style.display === 'none';
    panel.style.display = open ? '' : 'none';
    if (open) {
      area.value = pending && pending.text != null ? pending.text : shown;
      if (pending) tryCopy(true);
    }
  });
  copyBtn.addEventListener('click', () => {
    forceCopy = area.value;
    let ok = false;
    try { ok = document.execCommand('copy'); } catch (_) { ok = false; }
    forceCopy = null;
    if (ok) copied({ text: area.value });
    else say('the browser refused to copy');
  });
  sendBtn.addEventListener('click', () => {
    put({ text: area.value }).then(() => say(`sent ${chars(area.value)} to the display's clipboard`),
      (err) => say('could not send: ' + (err.message || err)));
  });

  // Start once the viewer knows its access: view-only viewers have no
  // clipboard (the server refuses them too).
  let stream = null;
  function start() {
    if (xfar.access === 'full' && !stream) {
      cb.enabled = true;
      button.style.display = '';
      stream = new EventSource(url('clipboard/events'));
      stream.onmessage = (m) => {
        let ev;
        try { ev = JSON.parse(m.data); } catch (_) { return; }
        changed(ev).catch((err) => { cb.error = 'clipboard: ' + (err.message || err); });
      };
      // EventSource reconnects by itself after errors.
    }
    if (!stream) setTimeout(start, 250);
  }
  start();
})();
