// Package ui is xfar's small user-interface toolkit: labels, buttons,
// one-line text fields, scrollable lists and canvases, laid out in rows
// and columns, in a window of their own.
//
// An application is written once against this package and runs in any of
// three splits chosen at start-up (Split, usually from a --split flag or
// XFAR_SPLIT):
//
//   - Draw: the toolkit runs in the application; every input event comes
//     over the network and every change goes back as drawing requests.
//   - Pixels: the same, but the toolkit paints into a local image and
//     ships the pixels of each changed area.
//   - Widgets: the toolkit ships the widget tree to the display server,
//     which paints it and handles hover, press feedback, focus, the caret,
//     typing, selection and scrolling itself; only semantic events
//     (clicked, changed, submitted, selected) come back, and reading a
//     field's text costs a round trip (or none, with Button.Carries).
//
// All three paint through the same model (package widget), which the
// display server runs too, so a window looks the same pixel for pixel in
// every split.
//
// A Window and its widgets belong to one goroutine: the one that calls
// Next. Widgets are built first, then placed in a window by Open; layout
// is fixed at Open (give labels a MinSize that fits their longest text).
package ui
