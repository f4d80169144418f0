package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// nativeProgSource is an Xlib program for the native bridge's tests of
// what the core programs use less often. It prints what it sees, one
// line per fact, and its window shows what it drew.
//
//	natx events   copies with graphics-exposures (GraphicsExpose,
//	              NoExpose), WarpPointer and QueryPointer, ReparentWindow
//	              into a sibling (ReparentNotify, QueryTree,
//	              TranslateCoordinates); prints "done" and waits
//	natx fill     a 320x240 window titled "natx fill": lines, arcs,
//	              polygons and text with FillTiled, FillStippled and
//	              FillOpaqueStippled; children with a background pixmap
//	              and ParentRelative backgrounds; a cursor made from two
//	              bitmaps (CreateCursor) on a child, the cursor font's
//	              gumby on another; prints "drawn"
const nativeProgSource = `
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static Display *d;

static void waitFor(Window w, int type) {
	XEvent e;
	XWindowEvent(d, w, ~0L, &e);
	while (e.type != type) XWindowEvent(d, w, ~0L, &e);
}

/* copyEvents prints the GraphicsExpose events a copy caused, up to its
   NoExpose or the last GraphicsExpose. */
static void copyEvents(const char *what) {
	XEvent e;
	for (;;) {
		XNextEvent(d, &e);
		if (e.type == NoExpose) {
			printf("%s: NoExpose major %d\n", what, e.xnoexpose.major_code);
			return;
		}
		if (e.type == GraphicsExpose) {
			printf("%s: GraphicsExpose %d,%d %dx%d count %d major %d\n", what,
				e.xgraphicsexpose.x, e.xgraphicsexpose.y, e.xgraphicsexpose.width,
				e.xgraphicsexpose.height, e.xgraphicsexpose.count, e.xgraphicsexpose.major_code);
			if (e.xgraphicsexpose.count == 0) return;
		}
	}
}

static int events(void) {
	int s = DefaultScreen(d);
	Window top = XCreateSimpleWindow(d, RootWindow(d, s), 40, 60, 200, 150, 0, 0, 0xe0e0e0);
	/* A position the user asked for, which the window manager keeps:
	   a window it placed would move under the pointer warps below. */
	XSizeHints *hints = XAllocSizeHints();
	hints->flags = USPosition;
	hints->x = 40;
	hints->y = 60;
	XSetWMNormalHints(d, top, hints);
	XFree(hints);
	XStoreName(d, top, "natx events");
	XSelectInput(d, top, ExposureMask | SubstructureNotifyMask);
	XMapWindow(d, top);
	waitFor(top, Expose);
	Window a = XCreateSimpleWindow(d, top, 10, 10, 50, 40, 1, 0, 0x4080c0);
	Window b = XCreateSimpleWindow(d, top, 120, 90, 30, 20, 0, 0, 0xc04040);
	XSelectInput(d, b, StructureNotifyMask);
	XMapWindow(d, a);
	XMapWindow(d, b);
	GC gc = XCreateGC(d, top, 0, NULL);
	XSetGraphicsExposures(d, gc, True);
	XCopyArea(d, top, top, gc, 70, 10, 40, 30, 70, 60);
	copyEvents("inside");
	XCopyArea(d, top, top, gc, 180, 0, 40, 20, 0, 120);
	copyEvents("off the right edge");
	XCopyArea(d, top, top, gc, 0, 0, 40, 40, 150, 0);
	copyEvents("under a child");
	Pixmap p = XCreatePixmap(d, top, 20, 20, DefaultDepth(d, s));
	XCopyArea(d, p, top, gc, 10, -5, 20, 20, 100, 20);
	copyEvents("pixmap corner");

	Window root, child;
	int rx, ry, wx, wy;
	unsigned int mask;
	XWarpPointer(d, None, top, 0, 0, 0, 0, 37, 41);
	XQueryPointer(d, top, &root, &child, &rx, &ry, &wx, &wy, &mask);
	printf("warp to 37,41: pointer at %d,%d\n", wx, wy);
	XWarpPointer(d, None, None, 0, 0, 0, 0, 5, -6);
	XQueryPointer(d, top, &root, &child, &rx, &ry, &wx, &wy, &mask);
	printf("warp by 5,-6: pointer at %d,%d\n", wx, wy);
	XWarpPointer(d, None, a, 0, 0, 0, 0, 3, 4);
	XQueryPointer(d, top, &root, &child, &rx, &ry, &wx, &wy, &mask);
	printf("warp into a child: pointer at %d,%d, in the child %s\n", wx, wy, child == a ? "yes" : "no");

	XReparentWindow(d, b, a, 5, 6);
	XEvent e;
	XWindowEvent(d, b, StructureNotifyMask, &e);
	while (e.type != ReparentNotify) XWindowEvent(d, b, StructureNotifyMask, &e);
	printf("ReparentNotify: parent is a %s, at %d,%d\n", e.xreparent.parent == a ? "yes" : "no", e.xreparent.x, e.xreparent.y);
	Window qr, qp, *kids;
	unsigned int n;
	XQueryTree(d, a, &qr, &qp, &kids, &n);
	printf("a has %u children, the first is b %s\n", n, n > 0 && kids[0] == b ? "yes" : "no");
	int tx, ty;
	XTranslateCoordinates(d, b, top, 0, 0, &tx, &ty, &child);
	printf("b's origin in top: %d,%d\n", tx, ty);
	XQueryTree(d, top, &qr, &qp, &kids, &n);
	printf("top has %u children\n", n);
	printf("done\n");
	fflush(stdout);
	for (;;) XNextEvent(d, &e);
}

static char stipple_bits[] = {0x11, 0x44, 0x22, 0x88, 0x0f, 0xf0, 0x81, 0x18};
static char cursor_bits[] = {0xff, 0x81, 0xbd, 0xa5, 0xa5, 0xbd, 0x81, 0xff};
static char cmask_bits[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7e};

static void shapes(GC gc, Window w, int y) {
	XPoint tri[] = {{220, y}, {260, y + 30}, {200, y + 30}};
	XDrawLine(d, w, gc, 10, y, 90, y + 30);
	/* The arc outline is thin: wide ones are not pixel-identical to
	   X.Org's on the display either (render's documented approximation). */
	XSetLineAttributes(d, gc, 0, LineSolid, CapButt, JoinMiter);
	XDrawArc(d, w, gc, 100, y, 40, 30, 0, 360 * 64);
	XSetLineAttributes(d, gc, 5, LineSolid, CapButt, JoinMiter);
	XFillArc(d, w, gc, 150, y, 40, 30, 30 * 64, 270 * 64);
	XFillPolygon(d, w, gc, tri, 3, Convex, CoordModeOrigin);
	XDrawString(d, w, gc, 265, y + 20, "Tx", 2);
}

static int fill(void) {
	int s = DefaultScreen(d);
	Window top = XCreateSimpleWindow(d, RootWindow(d, s), 0, 0, 320, 240, 0, 0, 0xffffff);
	XStoreName(d, top, "natx fill");
	XSelectInput(d, top, ExposureMask);
	XMapWindow(d, top);
	waitFor(top, Expose);
	GC gc = XCreateGC(d, top, 0, NULL);
	Font fn = XLoadFont(d, "fixed");
	XSetFont(d, gc, fn);
	Pixmap stip = XCreateBitmapFromData(d, top, stipple_bits, 8, 8);
	Pixmap tile = XCreatePixmap(d, top, 6, 5, DefaultDepth(d, s));
	XSetForeground(d, gc, 0x20a040);
	XFillRectangle(d, tile, gc, 0, 0, 6, 5);
	XSetForeground(d, gc, 0xa02080);
	XDrawLine(d, tile, gc, 0, 0, 5, 4);
	XSetLineAttributes(d, gc, 5, LineSolid, CapButt, JoinMiter);
	XSetFillStyle(d, gc, FillTiled);
	XSetTile(d, gc, tile);
	XSetTSOrigin(d, gc, 3, 2);
	shapes(gc, top, 10);
	XSetFillStyle(d, gc, FillStippled);
	XSetStipple(d, gc, stip);
	XSetForeground(d, gc, 0x2040c0);
	shapes(gc, top, 52);
	XSetFillStyle(d, gc, FillOpaqueStippled);
	XSetForeground(d, gc, 0xc04020);
	XSetBackground(d, gc, 0xf0e060);
	shapes(gc, top, 94);
	XSetFillStyle(d, gc, FillSolid);

	/* Background pixmaps: a tiled child, its ParentRelative child, and a
	   ParentRelative child of the top window (whose background is a pixel). */
	XSetWindowAttributes wa;
	wa.background_pixmap = tile;
	Window c1 = XCreateWindow(d, top, 10, 140, 120, 80, 2, CopyFromParent, InputOutput, CopyFromParent, CWBackPixmap, &wa);
	wa.background_pixmap = ParentRelative;
	Window c2 = XCreateWindow(d, c1, 20, 15, 40, 30, 0, CopyFromParent, InputOutput, CopyFromParent, CWBackPixmap, &wa);
	Window c3 = XCreateWindow(d, top, 150, 140, 60, 40, 0, CopyFromParent, InputOutput, CopyFromParent, CWBackPixmap, &wa);
	Window c4 = XCreateSimpleWindow(d, top, 230, 140, 60, 60, 0, 0, 0xffffff);
	XSetWindowBackgroundPixmap(d, c4, tile);
	XSetWindowBorder(d, c1, 0x000080);

	Pixmap cb = XCreateBitmapFromData(d, top, cursor_bits, 8, 8);
	Pixmap cm = XCreateBitmapFromData(d, top, cmask_bits, 8, 8);
	XColor fg = {.red = 0xffff, .green = 0, .blue = 0}, bg = {.red = 0, .green = 0, .blue = 0xffff};
	Cursor cur = XCreatePixmapCursor(d, cb, cm, &fg, &bg, 3, 4);
	XDefineCursor(d, c3, cur);
	XDefineCursor(d, c4, XCreateFontCursor(d, 56)); /* XC_gumby: no CSS name, an image */
	XSelectInput(d, c4, ExposureMask);
	XMapSubwindows(d, c1);
	XMapSubwindows(d, top);
	waitFor(c4, Expose);
	XClearWindow(d, c4);
	XSync(d, False);
	printf("drawn\n");
	fflush(stdout);
	XEvent e;
	for (;;) XNextEvent(d, &e);
}

int main(int argc, char **argv) {
	d = XOpenDisplay(NULL);
	if (!d) { fprintf(stderr, "cannot open display\n"); return 1; }
	if (argc > 1 && !strcmp(argv[1], "events")) return events();
	if (argc > 1 && !strcmp(argv[1], "fill")) return fill();
	fprintf(stderr, "usage: natx events|fill\n");
	return 2;
}
`

// buildNativeProg compiles nativeProgSource into dir and returns the
// binary's path.
func buildNativeProg(t testing.TB, dir string) string {
	t.Helper()
	src := filepath.Join(dir, "natx.c")
	bin := filepath.Join(dir, "natx")
	if err := os.WriteFile(src, []byte(nativeProgSource), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("gcc", "-O2", "-Wall", "-o", bin, src, "-lX11").CombinedOutput()
	if err != nil {
		t.Fatalf("gcc natx.c (needs gcc and libx11-dev): %v\n%s", err, out)
	}
	return bin
}
