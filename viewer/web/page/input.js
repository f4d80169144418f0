'use strict';
// xfar web viewer, input: mouse, touch and keyboard to the "input" data
// channel (through xfar.send, set by viewer.js), as JSON messages that
// viewer/web/input.go decodes. Keys go as the browser names them (code:
// the physical key; key: what the layout made of it); the keyboard model
// in Go (package keyboard) maps them to keysyms.
//
// Keyboard focus lives in a hidden textarea over the canvas, not on the
// canvas: only an editable element gets composition (IME, dead keys on
// macOS) and beforeinput events, and only it brings up a phone's soft
// keyboard.
(() => {
  const xfar = window.xfar;
  const canvas = document.getElementById('screen');
  if (!xfar || !canvas) return;
  const send = (m) => { if (xfar.send) xfar.send(m); };

  // toDisplay maps a point in client (CSS) coordinates to the display
  // pixel under it, whatever the canvas's CSS size, the page zoom or the
  // devicePixelRatio. Pointer events carry fractional coordinates, so the
  // pixel is exact at fractional scales too.
  xfar.toDisplay = (clientX, clientY) => {
    const r = canvas.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return [0, 0];
    // The small bias absorbs float error at pixel edges (a point computed
    // as (x + 0.5) / dpr lands back on x, never on x - 1).
    const x = Math.floor(((clientX - r.left) * canvas.width) / r.width + 1e-6);
    const y = Math.floor(((clientY - r.top) * canvas.height) / r.height + 1e-6);
    return [x, y];
  };

  let px = 0, py = 0;
  const at = (e) => { [px, py] = xfar.toDisplay(e.clientX, e.clientY); };

  function mods(e) {
    const st = (k) => (e.getModifierState ? e.getModifierState(k) : false);
    return (e.shiftKey ? 1 : 0) | (st('CapsLock') ? 2 : 0) | (e.ctrlKey ? 4 : 0) |
      (e.altKey ? 8 : 0) | (st('NumLock') ? 16 : 0) | (e.metaKey ? 64 : 0) |
      (st('AltGraph') ? 128 : 0);
  }

  // The keyboard target: invisible, over the canvas's top-left corner, so
  // that a soft keyboard does not scroll the page to find it.
  const keys = document.createElement('textarea');
  keys.id = 'xfar-keys';
  keys.setAttribute('autocapitalize', 'off');
  keys.setAttribute('autocomplete', 'off');
  keys.setAttribute('autocorrect', 'off');
  keys.setAttribute('spellcheck', 'false');
  keys.setAttribute('aria-label', 'keyboard input for the remote display');
  Object.assign(keys.style, {
    position: 'fixed', left: '0', top: '0', width: '1px', height: '1px', opacity: '0',
    border: '0', padding: '0', margin: '0', resize: 'none', overflow: 'hidden',
    background: 'transparent', color: 'transparent', caretColor: 'transparent',
    fontSize: '16px', // below 16px iOS zooms the page when it gets focus
  });
  document.body.appendChild(keys);
  const focusKeys = () => { if (document.activeElement !== keys) keys.focus({ preventScroll: true }); };
  xfar.focusKeys = focusKeys;

  // Mouse and pen. Dragging keeps the pointer captured, so the release
  // arrives wherever it happens.
  const BUTTON = [1, 2, 3]; // DOM button 0/1/2 -> X button 1/2/3
  let held = 0; // DOM buttons down
  canvas.addEventListener('pointerdown', (e) => {
    if (e.pointerType === 'touch') return touchDown(e);
    e.preventDefault();
    focusKeys();
    const b = BUTTON[e.button];
    if (!b) return;
    held |= 1 << e.button;
    canvas.setPointerCapture(e.pointerId);
    at(e);
    send({ t: 'm', x: px, y: py, m: mods(e) });
    send({ t: 'bd', b, x: px, y: py, m: mods(e) });
  });
  // A chord (a second button while one is down) comes as pointermove
  // with a changed button, not as pointerdown.
  canvas.addEventListener('pointermove', (e) => {
    if (e.pointerType === 'touch') return touchMove(e);
    at(e);
    send({ t: 'm', x: px, y: py, m: mods(e) });
    if (e.button >= 0 && BUTTON[e.button]) {
      const down = (e.buttons & [1, 4, 2][e.button]) !== 0;
      const was = (held & (1 << e.button)) !== 0;
      if (down !== was) {
        held ^= 1 << e.button;
        send({ t: down ? 'bd' : 'bu', b: BUTTON[e.button], x: px, y: py, m: mods(e) });
      }
    }
  });
  const pointerUp = (e) => {
    if (e.pointerType === 'touch') return touchUp(e);
    if (!(held & (1 << e.button))) return;
    held &= ~(1 << e.button);
    at(e);
    send({ t: 'bu', b: BUTTON[e.button], x: px, y: py, m: mods(e) });
  };
  canvas.addEventListener('pointerup', pointerUp);
  canvas.addEventListener('pointercancel', (e) => {
    if (e.pointerType === 'touch') return touchUp(e);
    releasePointer();
  });
  canvas.addEventListener('contextmenu', (e) => e.preventDefault());
  function releasePointer() {
    for (let i = 0; i < 3; i++) if (held & (1 << i)) send({ t: 'bu', b: BUTTON[i], x: px, y: py, m: 0 });
    held = 0;
  }

  // The wheel is buttons 4 (up), 5 (down), 6 (left), 7 (right). A mouse
  // notch is one click; small touchpad deltas add up to one.
  let wx = 0, wy = 0;
  const wheel = (dx, dy, m) => {
    wx += dx;
    wy += dy;
    const clicks = (acc, neg, posb) => {
      if (Math.abs(acc) < 50) return acc;
      const n = Math.max(1, Math.round(Math.abs(acc) / 120));
      for (let i = 0; i < n; i++) send({ t: 'w', b: acc < 0 ? neg : posb, x: px, y: py, m });
      return 0;
    };
    wy = clicks(wy, 4, 5);
    wx = clicks(wx, 6, 7);
  };
  canvas.addEventListener('wheel', (e) => {
    e.preventDefault();
    at(e);
    const k = e.deltaMode === 1 ? 40 : e.deltaMode === 2 ? 800 : 1;
    wheel(e.deltaX * k, e.deltaY * k, mods(e));
  }, { passive: false });

  // Touch: a tap is a click (and brings up the soft keyboard), a drag is
  // a button-1 drag, two fingers dragging scroll (the wheel), a long press
  // is the right button.
  const TAP_SLOP = 8; // CSS px a finger may wander and still tap
  const LONG_PRESS = 550; // ms
  const touches = new Map(); // pointerId -> {x, y} in client coordinates
  let touch = null; // the one-finger gesture: {id, x0, y0, mode, timer}
  let scroll = null; // the two-finger gesture: {y, x}
  const centroid = () => {
    let x = 0, y = 0;
    for (const p of touches.values()) { x += p.x; y += p.y; }
    return { x: x / touches.size, y: y / touches.size };
  };
  function touchDown(e) {
    e.preventDefault();
    canvas.setPointerCapture(e.pointerId);
    touches.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (touches.size === 1) {
      at(e);
      touch = { id: e.pointerId, x0: e.clientX, y0: e.clientY, mode: 'pending', timer: 0 };
      const t = touch;
      t.timer = setTimeout(() => {
        if (touch !== t || t.mode !== 'pending') return;
        t.mode = 'right';
        send({ t: 'm', x: px, y: py, m: 0 });
        send({ t: 'bd', b: 3, x: px, y: py, m: 0 });
      }, LONG_PRESS);
      return;
    }
    // A second finger: whatever the first began ends, and scrolling starts.
    endTouch();
    scroll = centroid();
  }
  function touchMove(e) {
    if (!touches.has(e.pointerId)) return;
    e.preventDefault();
    touches.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (scroll) {
      const c = centroid();
      // Content follows the fingers: fingers down scroll up (button 4).
      wheel((scroll.x - c.x) * 2, (scroll.y - c.y) * 2, 0);
      scroll = c;
      return;
    }
    const t = touch;
    if (!t || t.id !== e.pointerId) return;
    at(e);
    if (t.mode === 'pending' && Math.hypot(e.clientX - t.x0, e.clientY - t.y0) > TAP_SLOP) {
      clearTimeout(t.timer);
      t.mode = 'drag';
      const [x0, y0] = xfar.toDisplay(t.x0, t.y0);
      send({ t: 'm', x: x0, y: y0, m: 0 });
      send({ t: 'bd', b: 1, x: x0, y: y0, m: 0 });
    }
    if (t.mode === 'drag' || t.mode === 'right') send({ t: 'm', x: px, y: py, m: 0 });
  }
  function touchUp(e) {
    if (!touches.delete(e.pointerId)) return;
    e.preventDefault();
    if (scroll) {
      if (touches.size === 0) scroll = null;
      else scroll = centroid();
      return;
    }
    const t = touch;
    if (!t || t.id !== e.pointerId) return;
    if (t.mode === 'pending' && e.type === 'pointerup') {
      at(e);
      send({ t: 'm', x: px, y: py, m: 0 });
      send({ t: 'bd', b: 1, x: px, y: py, m: 0 });
      send({ t: 'bu', b: 1, x: px, y: py, m: 0 });
      focusKeys(); // in the tap's own event handler, as iOS requires
    }
    endTouch();
  }
  function endTouch() {
    const t = touch;
    touch = null;
    if (!t) return;
    clearTimeout(t.timer);
    if (t.mode === 'drag') send({ t: 'bu', b: 1, x: px, y: py, m: 0 });
    if (t.mode === 'right') send({ t: 'bu', b: 3, x: px, y: py, m: 0 });
  }

  // Keyboard. Every key is kept from the browser (Tab, Backspace,
  // F-keys...) except those an input method or a dead key is composing
  // with; their result arrives as text (compositionend, beforeinput).
  const down = new Set(); // codes sent down, released on blur
  const composing = (e) => e.isComposing || e.key === 'Process' || e.keyCode === 229;
  keys.addEventListener('keydown', (e) => {
    if (composing(e) || e.key === 'Dead') return;
    if (e.key === 'Unidentified' && !e.code) return; // a soft keyboard's: text follows
    down.add(e.code);
    const m = { t: 'kd', k: e.key, c: e.code, m: mods(e), x: px, y: py };
    // xfar.keyFilter (clipboard.js) may take a key message to send later
    // (a paste key waits until the browser's clipboard is on the display);
    // it then decides whether the browser acts on the key too.
    if (xfar.keyFilter && xfar.keyFilter(e, m)) return;
    e.preventDefault();
    send(m);
  });
  keys.addEventListener('keyup', (e) => {
    // A release names its physical key; the server releases whatever that
    // key pressed, whatever key this event reports (Shift let go first,
    // a dead key, an IME).
    if (!down.delete(e.code)) return;
    const m = { t: 'ku', k: e.key, c: e.code, m: mods(e), x: px, y: py };
    if (xfar.keyFilter && xfar.keyFilter(e, m)) return;
    e.preventDefault();
    send(m);
  });
  // Long text goes in pieces, cut between characters (code points, never
  // inside a surrogate pair); the server cuts further to fit its events.
  const text = (s) => {
    const cps = Array.from(s);
    for (let i = 0; i < cps.length; i += 60) send({ t: 'tx', s: cps.slice(i, i + 60).join(''), x: px, y: py });
  };
  keys.addEventListener('compositionend', (e) => {
    if (e.data) text(e.data);
    keys.value = '';
  });
  keys.addEventListener('beforeinput', (e) => {
    if (e.isComposing) return; // compositionend brings it
    if (e.inputType === 'insertText' || e.inputType === 'insertReplacementText') {
      e.preventDefault();
      if (e.data) text(e.data);
    } else if (e.inputType === 'insertLineBreak' || e.inputType === 'insertParagraph') {
      e.preventDefault();
      text('\r');
    } else if (e.inputType === 'deleteContentBackward' && e.cancelable) {
      // A soft keyboard's backspace, which sends no usable key event.
      e.preventDefault();
      send({ t: 'kd', k: 'Backspace', c: 'Backspace', m: 0, x: px, y: py });
      send({ t: 'ku', k: 'Backspace', c: 'Backspace', m: 0, x: px, y: py });
    }
  });
  // Whatever reached the textarea anyway was sent as text already.
  keys.addEventListener('input', (e) => { if (!e.isComposing) keys.value = ''; });

  // Losing the keyboard (another window, another tab, the page hidden)
  // means the releases of what is down will never come: release it all.
  function releaseAll() {
    if (down.size === 0 && held === 0 && !touch) return;
    down.clear();
    held = 0;
    touch = null;
    touches.clear();
    scroll = null;
    send({ t: 'ra', x: px, y: py });
  }
  keys.addEventListener('blur', releaseAll);
  window.addEventListener('blur', releaseAll);
  document.addEventListener('visibilitychange', () => { if (document.hidden) releaseAll(); });
  // A new connection starts with nothing held (the server released what
  // the old one held when it went).
  xfar.onDisconnect = () => { down.clear(); held = 0; touch = null; touches.clear(); scroll = null; };

  focusKeys();
})();
