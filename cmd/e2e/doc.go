// Package e2e holds the end-to-end tests: they build the real commands,
// start them as a user would (with real sockets, a real Xvfb, real X
// programs and a real headless Chromium) and check what a user would see.
package e2e
