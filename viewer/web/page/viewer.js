'use strict';
// xfar web viewer: shows the display on a canvas at 1:1; input.js sends
// mouse, touch and keyboard back. Frames arrive on the "frames" data channel as one
// raw-deflate stream of records (see encode.go); input leaves on the
// "input" channel as JSON (see input.go).
(() => {
  const cfg = JSON.parse(document.getElementById('xfar-config').textContent);
  const token = new URLSearchParams(location.search).get('token');
  const canvas = document.getElementById('screen');
  const g = canvas.getContext('2d', { alpha: false });
  const statusEl = document.getElementById('status');

  // State for tests, benchmarks and the curious. listeners are called with
  // the frame's seq after each frame is on the canvas.
  const xfar = (window.xfar = {
    connected: false, access: '', connects: 0, frames: 0, seq: 0, bytes: 0,
    width: 0, height: 0, error: '', listeners: new Set(),
  });

  const status = (t) => { statusEl.textContent = t; };

  // Record header sizes by type byte: 'B', 'R', 'S', 'E'.
  const HDR = { 66: 9, 82: 9, 83: 13, 69: 5 };

  // RectPixels receives a rect's RGB bytes, in chunks cut anywhere, into an
  // ImageData, adding the alpha.
  class RectPixels {
    constructor(x, y, w, h) {
      this.x = x;
      this.y = y;
      this.img = new ImageData(w, h);
      this.d8 = this.img.data;
      this.d32 = new Uint32Array(this.d8.buffer); // little-endian: 0xAABBGGRR
      this.off = 0; // bytes received
      this.len = w * h * 3;
      this.p = 0; // pixel being filled
      this.k = 0; // bytes of it received
    }
    // take copies what it needs from b starting at i and returns the new i.
    take(b, i) {
      const n = Math.min(this.len - this.off, b.length - i);
      const end = i + n;
      const d8 = this.d8, d32 = this.d32;
      let p = this.p, k = this.k;
      while (k !== 0 && i < end) { // finish a pixel split across chunks
        d8[4 * p + k] = b[i++];
        if (++k === 3) { d8[4 * p + 3] = 255; k = 0; p++; }
      }
      for (const bulk = end - ((end - i) % 3); i < bulk; i += 3) {
        d32[p++] = 0xff000000 | (b[i + 2] << 16) | (b[i + 1] << 8) | b[i];
      }
      while (i < end) d8[4 * p + k++] = b[i++];
      this.p = p;
      this.k = k;
      this.off += n;
      return i;
    }
  }

  // Decoder parses the decompressed stream and draws each frame when its
  // end record arrives, then acknowledges it (the server sends at most two
  // frames ahead of what is drawn).
  class Decoder {
    constructor(dc, onError) {
      this.dc = dc;
      this.onError = onError;
      const ds = new DecompressionStream('deflate-raw');
      this.writer = ds.writable.getWriter();
      this.reader = ds.readable.getReader();
      this.hdr = new Uint8Array(16);
      this.view = new DataView(this.hdr.buffer);
      this.hlen = 0;
      this.cur = null; // rect whose pixels are arriving
      this.ops = [];
      this.fw = 0;
      this.fh = 0;
      this.closed = false;
      this.pump();
    }
    push(ab) {
      xfar.bytes += ab.byteLength;
      this.writer.write(new Uint8Array(ab)).catch(() => {});
    }
    close() {
      this.closed = true;
      this.writer.abort().catch(() => {});
      this.reader.cancel().catch(() => {});
    }
    async pump() {
      try {
        for (;;) {
          const { value, done } = await this.reader.read();
          if (done || this.closed) return;
          this.feed(value);
        }
      } catch (err) {
        if (!this.closed) this.onError('frame stream: ' + (err.message || err));
      }
    }
    feed(b) {
      let i = 0;
      while (i < b.length) {
        const cur = this.cur;
        if (cur) {
          i = cur.take(b, i);
          if (cur.off === cur.len) {
            this.ops.push(cur);
            this.cur = null;
          }
          continue;
        }
        const size = HDR[this.hlen > 0 ? this.hdr[0] : b[i]];
        if (!size) throw new Error('bad record type ' + b[i]);
        const n = Math.min(size - this.hlen, b.length - i);
        this.hdr.set(b.subarray(i, i + n), this.hlen);
        this.hlen += n;
        i += n;
        if (this.hlen < size) return;
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
        case 82: { // 'R' x y w h, then RGBA pixels
          const w = u16(5), h = u16(7);
          if (w === 0 || h === 0) break;
          this.cur = new RectPixels(u16(1), u16(3), w, h);
          break;
        }
        case 83: { // 'S' x y w h r g b a
          const c = this.hdr;
          this.ops.push({ x: u16(1), y: u16(3), w: u16(5), h: u16(7), fill: `rgb(${c[9]},${c[10]},${c[11]})` });
          break;
        }
        case 69: // 'E' seq
          this.draw(v.getUint32(1, true));
          break;
      }
    }
    draw(seq) {
      if (this.fw !== canvas.width || this.fh !== canvas.height) {
        canvas.width = xfar.width = this.fw;
        canvas.height = xfar.height = this.fh;
        fit();
      }
      for (const op of this.ops) {
        if (op.img) {
          g.putImageData(op.img, op.x, op.y);
        } else {
          g.fillStyle = op.fill;
          g.fillRect(op.x, op.y, op.w, op.h);
        }
      }
      this.ops = [];
      xfar.frames++;
      xfar.seq = seq;
      if (this.dc.readyState === 'open') {
        const ack = new Uint8Array(4);
        new DataView(ack.buffer).setUint32(0, seq, true);
        this.dc.send(ack);
      }
      for (const f of xfar.listeners) f(seq);
    }
  }

  // One canvas pixel per device pixel, whatever the zoom or screen.
  function fit() {
    const r = window.devicePixelRatio || 1;
    canvas.style.width = canvas.width / r + 'px';
    canvas.style.height = canvas.height / r + 'px';
  }
  window.addEventListener('resize', fit);

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
    const c = { pc, frames, input, access: '', dead: false };
    conn = c;
    const fail = (why) => {
      if (c.dead) return;
      c.dead = true;
      if (conn === c) conn = null;
      xfar.connected = false;
      xfar.error = why;
      c.decoder.close();
      try { pc.close(); } catch (_) { /* already closed */ }
      if (xfar.onDisconnect) xfar.onDisconnect();
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
      if (!r.ok) throw new Error(`${r.status} ${(await r.text()).trim()}`);
      const a = await r.json();
      mark('answer');
      c.access = xfar.access = a.access;
      if (!c.dead) await pc.setRemoteDescription({ type: 'answer', sdp: a.sdp });
    })().catch((err) => fail(err.message || String(err)));
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
  if (!window.RTCPeerConnection || !window.DecompressionStream) {
    status('this browser lacks WebRTC or DecompressionStream');
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
