package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// xprogSource is a small Xlib program the bridge tests compile and run.
//
//	xprog            a 300x200 window at 50,60 titled "xfar C test": lines,
//	                 rectangles, filled shapes and text in the core font; it
//	                 takes WM_DELETE_WINDOW (and then exits with status 5)
//	xprog -popup     also an override-redirect 120x60 "menu" at 200,150
//	xprog -exit N S  exits with status S N milliseconds after drawing
//	xprog -anim      a 500x500 window redrawn continuously (a moving
//	                 pattern), for the benchmarks
const xprogSource = `
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>

static void draw(Display *d, Window w, GC gc) {
	int s = DefaultScreen(d);
	XSetForeground(d, gc, WhitePixel(d, s));
	XFillRectangle(d, w, gc, 0, 0, 300, 200);
	XSetForeground(d, gc, 0x2060c0);
	XDrawLine(d, w, gc, 10, 10, 290, 190);
	XDrawLine(d, w, gc, 10, 190, 290, 10);
	XSetLineAttributes(d, gc, 3, LineSolid, CapRound, JoinRound);
	XDrawLine(d, w, gc, 20, 100, 280, 120);
	XSetLineAttributes(d, gc, 0, LineSolid, CapButt, JoinMiter);
	XSetForeground(d, gc, 0xc02020);
	XDrawRectangle(d, w, gc, 30, 30, 80, 50);
	XFillRectangle(d, w, gc, 180, 40, 70, 40);
	XSetForeground(d, gc, 0x20a040);
	XFillArc(d, w, gc, 120, 120, 60, 50, 0, 360*64);
	XSetForeground(d, gc, BlackPixel(d, s));
	XDrawString(d, w, gc, 40, 170, "Hello from Xlib: xfar bridge", 28);
	XDrawImageString(d, w, gc, 40, 20, "image text", 10);
}

static void drawAnim(Display *d, Window w, GC gc, int frame) {
	int x, y;
	for (y = 0; y < 500; y += 50)
		for (x = 0; x < 500; x += 50) {
			XSetForeground(d, gc, ((x * 7 + y * 3 + frame * 16) & 0xff) << 16 | ((x + frame * 4) & 0xff) << 8 | ((y * 5 + frame) & 0xff));
			XFillRectangle(d, w, gc, x, y, 50, 50);
		}
	XSetForeground(d, gc, 0xffffff);
	XFillArc(d, w, gc, (frame * 7) % 450, (frame * 3) % 450, 50, 50, 0, 360*64);
}

static long long now_ms(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv) {
	int popup = 0, anim = 0, status = 0, i;
	long long exitAfter = -1;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-popup")) popup = 1;
		else if (!strcmp(argv[i], "-anim")) anim = 1;
		else if (!strcmp(argv[i], "-exit") && i + 2 < argc) { exitAfter = atoll(argv[i+1]); status = atoi(argv[i+2]); i += 2; }
	}
	Display *d = XOpenDisplay(NULL);
	if (!d) { fprintf(stderr, "xprog: cannot open display\n"); return 1; }
	int s = DefaultScreen(d);
	int W = anim ? 500 : 300, H = anim ? 500 : 200;
	Window w = XCreateSimpleWindow(d, RootWindow(d, s), 50, 60, W, H, 0, 0, WhitePixel(d, s));
	XStoreName(d, w, anim ? "xfar anim" : "xfar C test");
	Atom wmDelete = XInternAtom(d, "WM_DELETE_WINDOW", False);
	XSetWMProtocols(d, w, &wmDelete, 1);
	XSelectInput(d, w, ExposureMask | StructureNotifyMask);
	GC gc = XCreateGC(d, w, 0, NULL);
	XMapWindow(d, w);
	Window p = 0;
	if (popup) {
		XSetWindowAttributes a;
		a.override_redirect = True;
		a.background_pixel = 0xffffe0;
		p = XCreateWindow(d, RootWindow(d, s), 200, 150, 120, 60, 0, CopyFromParent, InputOutput,
			CopyFromParent, CWOverrideRedirect | CWBackPixel, &a);
		XSelectInput(d, p, ExposureMask);
		XMapWindow(d, p);
	}
	long long start = -1;
	int frame = 0;
	for (;;) {
		if (anim) {
			while (XPending(d)) {
				XEvent e;
				XNextEvent(d, &e);
				if (e.type == ClientMessage && (Atom)e.xclient.data.l[0] == wmDelete) return 5;
			}
			drawAnim(d, w, gc, frame++);
			XSync(d, False);
			continue;
		}
		if (start >= 0 && exitAfter >= 0) {
			long long left = start + exitAfter - now_ms();
			if (left <= 0) { XCloseDisplay(d); return status; }
			if (!XPending(d)) {
				fd_set fds; struct timeval tv;
				FD_ZERO(&fds); FD_SET(ConnectionNumber(d), &fds);
				tv.tv_sec = left / 1000; tv.tv_usec = (left % 1000) * 1000;
				select(ConnectionNumber(d) + 1, &fds, NULL, NULL, &tv);
				continue;
			}
		}
		XEvent e;
		XNextEvent(d, &e);
		if (e.type == Expose && e.xexpose.count == 0) {
			if (e.xexpose.window == w) draw(d, w, gc);
			else if (p && e.xexpose.window == p) {
				XSetForeground(d, gc, BlackPixel(d, s));
				XDrawRectangle(d, p, gc, 0, 0, 119, 59);
				XDrawString(d, p, gc, 10, 25, "Open", 4);
				XDrawString(d, p, gc, 10, 45, "Quit", 4);
			}
			XFlush(d);
			if (start < 0) start = now_ms();
		} else if (e.type == ClientMessage && (Atom)e.xclient.data.l[0] == wmDelete) {
			printf("deleted\n");
			return 5;
		}
	}
}
`

// buildXprog compiles xprogSource into dir and returns the binary's path.
func buildXprog(t testing.TB, dir string) string {
	t.Helper()
	src := filepath.Join(dir, "xprog.c")
	bin := filepath.Join(dir, "xprog")
	if err := os.WriteFile(src, []byte(xprogSource), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("gcc", "-O2", "-Wall", "-o", bin, src, "-lX11").CombinedOutput()
	if err != nil {
		t.Fatalf("gcc xprog.c (needs gcc and libx11-dev): %v\n%s", err, out)
	}
	return bin
}
