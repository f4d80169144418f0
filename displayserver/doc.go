// Package displayserver is the xfar display server: it accepts client
// connections, keeps the display's state (windows, graphics contexts,
// pixmaps), draws requests into a software framebuffer, manages top-level
// windows, routes input to clients as X-style events, keeps the CLIPBOARD
// and PRIMARY selections (streaming transfers between owners and
// requestors, clients or viewers), and serves the HTTP side (snapshot,
// clipboard, viewer handlers mounted by the caller).
//
// Concurrency follows the seeds' server models, each where it fits:
//
//   - thread-per-connection: every client has its own reader and writer
//     goroutines, so a slow or dead client never blocks another;
//   - finite-state machine: all state has one owner goroutine that applies
//     requests in order, without locks, so results are deterministic and
//     pixel-exact tests are possible;
//   - bounded queues everywhere: a client that stops reading is disconnected
//     with a logged reason, a viewer that falls behind gets coalesced damage.
//
// Windows are composited, as with X's Composite extension: each window owns
// its pixels, and the screen is recomposed only where damaged and only when
// someone looks (a viewer or a snapshot), so drawing throughput does not
// depend on how many viewers watch.
package displayserver
