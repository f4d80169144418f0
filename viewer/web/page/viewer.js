'use strict';
// xfar web viewer: shows the display on a canvas; input.js sends mouse,
// touch and keyboard back. Frames arrive on the "frames" data channel as one
// stream of records with PNG images (see encode.go); input leaves on the
// "input" channel as JSON (see input.go).
(() => {
  const cfg = JSON.parse(document.getElementById('xfar-config').textContent);
  const token = new URLSearchParams(location.search).get('token');
  const canvas = document.getElementById('screen');
  const g = canvas.getContext('2d', { alpha: false });
  g.imageSmoothingEnabled = false; // images are drawn 1:1; never blend
  const statusEl = document.getElementById('status');

  // State for tests, benchmarks and the curious. listeners are called with
  // the frame's seq after each frame is on the canvas.
  const xfar = (window.xfar = {
    connected: false, access: '', connects: 0, frames: 0, seq: 0, bytes: 0,
    width: 0, height: 0, error: '', offline: false, refused: false, scale: 'fit', atlases: 0, copies: 0,
    listeners: new Set(),
  });

  const status = (t) => { statusEl.textContent = t; };

  // Record header sizes by type byte: 'B', 'I', 'S', 'C', 'E', and the
  // first 3 bytes of 'A', whose size follows from its count (encode.go).
  const HDR = { 66: 9, 73: 13, 83: 13, 67: 13, 69: 5, 65: 3 };
  const MAX_PARTS = 1024; // atlasParts

  // Decoder parses the frame stream. Each image record is a PNG, handed
  // whole to the browser's own decoder (createImageBitmap, off the main
  // thread) as soon as its last byte arrives; no script loop touches a
  // pixel. When a frame's end record arrives, the frame is drawn (in
  // order, after the frames before it) once its images are decoded, then
  // acknowledged: the server keeps about one round trip's worth of frames
  // in flight (flow.go).
  class Decoder {
    constructor(dc, onError) {
      this.dc = dc;
      this.onError = onError;
      this.hdr = new Uint8Array(7 + 8 * MAX_PARTS);
      this.view = new DataView(this.hdr.buffer);
      this.hlen = 0;
      this.cur = null; // image whose bytes are arriving
      this.ops = [];
      this.fw = 0;
      this.fh = 0;
      this.chain = Promise.resolve(); // frames draw in order
      this.closed = false;
    }
    push(ab) {
      xfar.bytes += ab.byteLength;
      try {
        this.feed(new Uint8Array(ab));
      } catch (err) {
        if (!this.closed) this.onError('frame stream: ' + (err.message || err));
      }
    }
    close() {
      this.closed = true;
    }
    feed(b) {
      let i = 0;
      while (i < b.length) {
        const cur = this.cur;
        if (cur) {
          const n = Math.min(cur.buf.length - cur.off, b.length - i);
          cur.buf.set(b.subarray(i, i + n), cur.off);
          cur.off += n;
          i += n;
          if (cur.off === cur.buf.length) {
            this.cur = null;
            cur.bitmap = createImageBitmap(new Blob([cur.buf], { type: 'image/png' }),
              { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
            cur.buf = null;
            this.ops.push(cur);
          }
          continue;
        }
        const t = this.hlen > 0 ? this.hdr[0] : b[i];
        let size = HDR[t];
        if (!size) throw new Error('bad record type ' + t);
        if (t === 65 && this.hlen >= 3) {
          const parts = this.hdr[1] | (this.hdr[2] << 8);
          if (parts === 0 || parts > MAX_PARTS) throw new Error('atlas of ' + parts + ' parts');
          size = 7 + 8 * parts;
        }
        const n = Math.min(size - this.hlen, b.length - i);
        this.hdr.set(b.subarray(i, i + n), this.hlen);
        this.hlen += n;
        i += n;
        if (this.hlen < size || (t === 65 && size === 3)) continue; // more header to come
        this.hlen = 0;
        this.record();
      }
    }
    record() {
      const v = this.view;
      const u16 = (o) => v.getUint16(o, true);
      switch (this.hdr[0]) {
        case 66: // 'B' seq w h
          this.ops = [];
          this.fw = u16(5);
          this.fh = u16(7);
          break;
        case 73: { // 'I' x y w h len, then a PNG
          const len = v.getUint32(9, true);
          if (len === 0) throw new Error('empty image record');
          this.cur = { x: u16(1), y: u16(3), buf: new Uint8Array(len), off: 0, bitmap: null };
          break;
        }
        case 65: { // 'A' n, n × (x y w h), len, then a PNG of the n stacked
          const parts = [];
          let sy = 0;
          for (let k = 0, n = u16(1); k < n; k++) {
            const o = 3 + 8 * k, h = u16(o + 6);
            parts.push({ x: u16(o), y: u16(o + 2), w: u16(o + 4), h, sy });
            sy += h;
          }
          const len = v.getUint32(3 + 8 * parts.length, true);
          if (len === 0) throw new Error('empty atlas record');
          xfar.atlases++;
          this.cur = { parts, buf: new Uint8Array(len), off: 0, bitmap: null };
          break;
        }
        case 83: { // 'S' x y w h r g b a
          const c = this.hdr;
          this.ops.push({ x: u16(1), y: u16(3), w: u16(5), h: u16(7), fill: `rgb(${c[9]},${c[10]},${c[11]})` });
          break;
        }
        case 67: // 'C' x y w h dx dy: a scroll, drawn in order with the rest
          xfar.copies++;
          this.ops.push({ x: u16(1), y: u16(3), w: u16(5), h: u16(7), dx: u16(9), dy: u16(11), copy: true });
          break;
        case 69: { // 'E' seq
          const ops = this.ops, fw = this.fw, fh = this.fh, seq = v.getUint32(1, true);
          this.ops = [];
          this.chain = this.chain
            .then(() => this.draw(ops, fw, fh, seq))
            .catch((err) => { if (!this.closed) this.onError('decode: ' + (err.message || err)); });
          break;
        }
      }
    }
    async draw(ops, fw, fh, seq) {
      const bitmaps = await Promise.all(ops.map((op) => op.bitmap));
      if (this.closed) {
        for (const bm of bitmaps) if (bm) bm.close();
        return;
      }
      if (fw !== canvas.width || fh !== canvas.height) {
        canvas.width = xfar.width = fw;
        canvas.height = xfar.height = fh;
        g.imageSmoothingEnabled = false; // a resize resets the context
        fit();
      }
      ops.forEach((op, k) => {
        const bm = bitmaps[k];
        if (bm && op.parts) {
          for (const p of op.parts) g.drawImage(bm, 0, p.sy, p.w, p.h, p.x, p.y, p.w, p.h);
          bm.close();
        } else if (bm) {
          g.drawImage(bm, op.x, op.y);
          bm.close();
        } else if (op.copy) {
          // The canvas onto itself: the browser reads the source whole
          // before it writes, as CopyArea does.
          if (op.w > 0 && op.h > 0) g.drawImage(canvas, op.x, op.y, op.w, op.h, op.dx, op.dy, op.w, op.h);
        } else {
          g.fillStyle = op.fill;
          g.fillRect(op.x, op.y, op.w, op.h);
        }
      });
      xfar.frames++;
      xfar.seq = seq;
      xfar.drawn();
      if (this.dc.readyState === 'open') {
        const ack = new Uint8Array(4);
        new DataView(ack.buffer).setUint32(0, seq, true);
        this.dc.send(ack);
      }
      for (const f of xfar.listeners) f(seq);
    }
  }

  // Scaling. The canvas #screen holds the display's pixels one for one (so
  // the picture is exact, and input.js maps the pointer through it); CSS
  // sizes it. Modes: 'fit' (the default) shrinks a display larger than the
  // window to fit it and shows a smaller one at 1:1; 'zoom' also enlarges a
  // smaller one to fill the window; '1:1' gives each display pixel one
  // device pixel, scrolling when it is larger. Where a display pixel is a
  // whole number of device pixels, the browser shows #screen pixelated,
  // crisp. Elsewhere #view, a second canvas whose backing store is at
  // device pixels, shows the picture resampled once per frame (smoothly
  // when shrinking, nearest pixel when enlarging), so the compositor never
  // scales it again; #screen stays above it, transparent, for the pointer.
  // ?scale=1 or ?scale=zoom in the URL picks the mode; the button cycles.
  const scaleBtn = document.getElementById('scale');
  const view = document.getElementById('view');
  const vg = view ? view.getContext('2d', { alpha: false }) : null;
  const MODES = ['fit', 'zoom', '1:1'];
  const q = new URLSearchParams(location.search).get('scale');
  if (q === '1') xfar.scale = '1:1';
  if (q === 'zoom') xfar.scale = 'zoom';
  // ?resize=1: the display follows this window's size (in CSS pixels, so
  // text keeps its size on HiDPI screens), shown filling the window.
  xfar.follow = new URLSearchParams(location.search).get('resize') === '1';
  if (xfar.follow) xfar.scale = 'zoom';
  let resampling = false; // #view shows the picture
  let redrawQueued = false;
  function redrawView() {
    redrawQueued = false;
    if (!resampling) return;
    vg.drawImage(canvas, 0, 0, view.width, view.height);
  }
  xfar.drawn = () => { // after each frame
    if (resampling && !redrawQueued) {
      redrawQueued = true;
      requestAnimationFrame(redrawView);
    }
  };
  function fit() {
    const r = window.devicePixelRatio || 1;
    let k = 1 / r; // CSS pixels per display pixel at 1:1
    if (xfar.scale !== '1:1' && canvas.width > 0 && canvas.height > 0) {
      const w = Math.min(window.innerWidth / canvas.width, window.innerHeight / canvas.height);
      k = xfar.scale === 'zoom' ? w : Math.min(k, w);
      // Whole device pixels per display pixel when that is close: crisp.
      const d = Math.round(k * r);
      if (d >= 1 && Math.abs(k * r - d) < 0.05) k = d / r;
    }
    const cw = canvas.width * k, ch = canvas.height * k;
    canvas.style.width = cw + 'px';
    canvas.style.height = ch + 'px';
    const d = k * r; // device pixels per display pixel
    resampling = !!vg && canvas.width > 0 && Math.abs(d - Math.round(d)) > 1e-6;
    xfar.resampling = resampling;
    document.body.classList.toggle('resampling', resampling);
    if (resampling) {
      view.style.width = cw + 'px';
      view.style.height = ch + 'px';
      view.width = Math.round(cw * r);
      view.height = Math.round(ch * r);
      vg.imageSmoothingEnabled = d < 1;
      vg.imageSmoothingQuality = 'high';
      redrawView();
    } else if (view && view.width > 0) {
      view.width = view.height = 0; // free the backing store
    }
    canvas.style.imageRendering = d >= 1 ? 'pixelated' : 'auto';
    document.body.classList.toggle('fit', xfar.scale !== '1:1');
    const next = MODES[(MODES.indexOf(xfar.scale) + 1) % MODES.length];
    if (scaleBtn) scaleBtn.textContent = next;
  }
  window.addEventListener('resize', fit);
  // Following the window: send its size when the channel opens and, a
  // little after the last change, each time it changes.
  let followTimer = 0;
  function sendSize() {
    const c = conn;
    if (!xfar.follow || !c || !c.resize || c.resize.readyState !== 'open' || c.access !== 'full') return;
    const b = new Uint8Array(4), v = new DataView(b.buffer);
    v.setUint16(0, Math.max(64, Math.floor(window.innerWidth)), true);
    v.setUint16(2, Math.max(64, Math.floor(window.innerHeight)), true);
    c.resize.send(b);
  }
  window.addEventListener('resize', () => {
    clearTimeout(followTimer);
    followTimer = setTimeout(sendSize, 150);
  });
  if (scaleBtn) {
    scaleBtn.addEventListener('click', () => {
      xfar.scale = MODES[(MODES.indexOf(xfar.scale) + 1) % MODES.length];
      fit();
      canvas.focus();
    });
  }
  xfar.setScale = (m) => { xfar.scale = m; fit(); };

  // Connection, with reconnect and backoff. conn is the live connection.
  let conn = null;
  let backoff = 250;

  // timeline marks the steps of the latest connection, for diagnosis.
  const mark = (what) => xfar.timeline.push([what, Math.round(performance.now())]);
  function connect() {
    xfar.connects++;
    xfar.timeline = [];
    mark('connect');
    const pc = new RTCPeerConnection({ iceServers: cfg.iceServers });
    const frames = pc.createDataChannel('frames', { ordered: true });
    const input = pc.createDataChannel('input', { ordered: true });
    frames.binaryType = 'arraybuffer';
    // The pointer's look over the display (a CSS cursor value per message;
    // the display server's cursor.go): xterm's I-beam, resize arrows...
    const cursor = pc.createDataChannel('cursor', { ordered: true });
    cursor.onmessage = (e) => { canvas.style.cursor = xfar.cursor = String(e.data); };
    const c = { pc, frames, input, access: '', dead: false, resize: null };
    if (xfar.follow) {
      c.resize = pc.createDataChannel('resize', { ordered: true });
      c.resize.onopen = sendSize;
    }
    conn = c;
    const fail = (why, refused) => {
      if (c.dead) return;
      c.dead = true;
      if (conn === c) conn = null;
      xfar.connected = false;
      xfar.error = why;
      c.decoder.close();
      try { pc.close(); } catch (_) { /* already closed */ }
      if (xfar.onDisconnect) xfar.onDisconnect();
      // The picture stays, dimmed, so nobody takes it for live.
      document.body.classList.add('offline');
      xfar.offline = true;
      if (refused) {
        // Retrying cannot fix a wrong or expired token (the display
        // server makes a new one each time it starts).
        xfar.refused = true;
        status('refused: ' + why + '. This viewer link is no longer valid: ' +
          'open the viewer URL the display server printed when it started.');
        return;
      }
      status('disconnected (' + why + '), retrying…');
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 5000);
    };
    c.decoder = new Decoder(frames, fail);
    frames.onmessage = (e) => c.decoder.push(e.data);
    frames.onopen = () => {
      mark('open');
      backoff = 250;
      xfar.connected = true;
      xfar.offline = false;
      document.body.classList.remove('offline');
      xfar.error = '';
      status(c.access === 'view' ? 'view only' : '');
    };
    frames.onclose = () => fail('frames channel closed');
    pc.onconnectionstatechange = () => {
      const s = pc.connectionState;
      if (s === 'failed' || s === 'disconnected' || s === 'closed') fail('connection ' + s);
    };
    setTimeout(() => { if (!c.dead && frames.readyState !== 'open') fail('timed out'); }, 10000);
    (async () => {
      await pc.setLocalDescription(await pc.createOffer());
      mark('offer');
      await gathered(pc);
      mark('gathered');
      const r = await fetch('offer' + (token ? '?token=' + encodeURIComponent(token) : ''), {
        method: 'POST', cache: 'no-store',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 'offer', sdp: pc.localDescription.sdp }),
      });
      if (!r.ok) {
        const err = new Error(`${r.status} ${(await r.text()).trim()}`);
        err.refused = r.status === 401 || r.status === 403;
        throw err;
      }
      const a = await r.json();
      mark('answer');
      c.access = xfar.access = a.access;
      sendSize(); // in case the channel opened first
      if (!c.dead) await pc.setRemoteDescription({ type: 'answer', sdp: a.sdp });
    })().catch((err) => fail(err.message || String(err), err.refused));
  }

  // Non-trickle ICE: the offer goes out with every candidate in it.
  function gathered(pc) {
    return new Promise((resolve) => {
      if (pc.iceGatheringState === 'complete') return resolve();
      const t = setTimeout(resolve, 3000); // send what we have
      pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState === 'complete') { clearTimeout(t); resolve(); }
      });
    });
  }

  // Input (collected by input.js) leaves through send. Coordinates are
  // screen pixels; the server clamps them.
  function send(m) {
    const c = conn;
    if (!c || c.access !== 'full' || c.input.readyState !== 'open') return;
    if (m.t === 'm' && c.input.bufferedAmount > 16384) return; // moves can be dropped
    c.input.send(JSON.stringify(m));
  }
  // transportBytes returns the DTLS bytes this viewer's connection has
  // sent and received, and the ICE (STUN) messages it exchanged, which
  // travel beside DTLS and keep the connection alive.
  xfar.transportBytes = async () => {
    const c = conn;
    if (!c) return null;
    let sent = 0, received = 0, stun = 0;
    (await c.pc.getStats()).forEach((r) => {
      if (r.type === 'transport') { sent += r.bytesSent; received += r.bytesReceived; }
      if (r.type === 'candidate-pair') {
        stun += (r.requestsSent || 0) + (r.requestsReceived || 0) + (r.responsesSent || 0) +
          (r.responsesReceived || 0) + (r.consentRequestsSent || 0);
      }
    });
    return { sent, received, stun };
  };
  // sendRaw sends an input message whatever the access level; tests use it
  // to check that the server, not the page, enforces view-only.
  xfar.sendRaw = (m) => {
    const c = conn;
    if (!c || c.input.readyState !== 'open') return false;
    c.input.send(JSON.stringify(m));
    return true;
  };
  if (!window.RTCPeerConnection || !window.createImageBitmap) {
    status('this browser lacks WebRTC or createImageBitmap');
    return;
  }
  // Tell the server at once when the page goes, so it frees the viewer
  // now rather than when ICE times out.
  window.addEventListener('pagehide', () => {
    const c = conn;
    if (c) { c.dead = true; c.pc.close(); }
  });
  xfar.send = send;
  connect();
})();
