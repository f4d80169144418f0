package protocol

import "fmt"

// Opcode names a request. Numbers are stable across versions; new requests
// get new numbers.
type Opcode uint8

// Requests. The body layout of each is given beside its type in
// requests.go and in SPEC.md; requestTypes in table.go holds the rest of
// what the package knows about each (name, reply, size, decoder).
const (
	OpCreateWindow           Opcode = 1
	OpChangeWindowAttributes Opcode = 2
	OpDestroyWindow          Opcode = 3
	OpMapWindow              Opcode = 4
	OpUnmapWindow            Opcode = 5
	OpConfigureWindow        Opcode = 6
	OpSetTitle               Opcode = 7
	OpSelectInput            Opcode = 8
	OpSetInputFocus          Opcode = 9
	OpCreateGC               Opcode = 10
	OpChangeGC               Opcode = 11
	OpFreeGC                 Opcode = 12
	OpSetClipRectangles      Opcode = 13
	OpSetDashes              Opcode = 14
	OpCreatePixmap           Opcode = 15
	OpFreePixmap             Opcode = 16
	OpClearArea              Opcode = 20
	OpCopyArea               Opcode = 21
	OpPolyPoint              Opcode = 22
	OpPolyLine               Opcode = 23
	OpPolySegment            Opcode = 24
	OpPolyRectangle          Opcode = 25
	OpPolyFillRectangle      Opcode = 26
	OpFillPoly               Opcode = 27
	OpPolyArc                Opcode = 28
	OpPolyFillArc            Opcode = 29
	OpPutImage               Opcode = 30
	OpGetImage               Opcode = 31
	OpDrawText               Opcode = 32
	OpSync                   Opcode = 40
	OpGetGeometry            Opcode = 41
	OpQueryTree              Opcode = 42
	OpQueryPointer           Opcode = 43
)

// Server message kinds: the first header byte of every message from the
// server. 0 is an error, 1 a reply, 2 and up an event of that code (X's
// numbering, so an X programmer reads them at a glance).
const (
	KindError = 0
	KindReply = 1
)

// EventCode names an event. The numbers are X11's.
type EventCode uint8

// Events.
const (
	KeyPress        EventCode = 2
	KeyRelease      EventCode = 3
	ButtonPress     EventCode = 4
	ButtonRelease   EventCode = 5
	MotionNotify    EventCode = 6
	EnterNotify     EventCode = 7
	LeaveNotify     EventCode = 8
	FocusIn         EventCode = 9
	FocusOut        EventCode = 10
	Expose          EventCode = 12
	DestroyNotify   EventCode = 17
	UnmapNotify     EventCode = 18
	MapNotify       EventCode = 19
	ConfigureNotify EventCode = 22
	// CloseRequest is X's ClientMessage carrying WM_DELETE_WINDOW: the user
	// asked (through the window manager's close button) to close the window.
	// The window stays until its client destroys it.
	CloseRequest EventCode = 33
	// maxEventCode bounds what a decoder accepts.
	maxEventCode = 63
)

// eventNames is the list of events: an event code is defined when it has
// a name here (and a row in SPEC.md §9 or §18, which a test checks).
var eventNames = map[EventCode]string{
	KeyPress: "KeyPress", KeyRelease: "KeyRelease", ButtonPress: "ButtonPress",
	ButtonRelease: "ButtonRelease", MotionNotify: "MotionNotify", EnterNotify: "EnterNotify",
	LeaveNotify: "LeaveNotify", FocusIn: "FocusIn", FocusOut: "FocusOut", Expose: "Expose",
	DestroyNotify: "DestroyNotify", UnmapNotify: "UnmapNotify", MapNotify: "MapNotify",
	ConfigureNotify: "ConfigureNotify", CloseRequest: "CloseRequest", WidgetNotify: "WidgetNotify",
	WindowStateNotify: "WindowStateNotify",
}

// EventCodes returns every event code this version defines, in ascending
// order.
func EventCodes() []EventCode {
	var cs []EventCode
	for c := EventCode(0); c <= maxEventCode; c++ {
		if _, ok := eventNames[c]; ok {
			cs = append(cs, c)
		}
	}
	return cs
}

// String returns the event's name.
func (c EventCode) String() string {
	if s, ok := eventNames[c]; ok {
		return s
	}
	return fmt.Sprintf("EventCode(%d)", uint8(c))
}

// Event masks select which events a client receives for a window (X's bits).
const (
	KeyPressMask          uint32 = 1 << 0
	KeyReleaseMask        uint32 = 1 << 1
	ButtonPressMask       uint32 = 1 << 2
	ButtonReleaseMask     uint32 = 1 << 3
	EnterWindowMask       uint32 = 1 << 4
	LeaveWindowMask       uint32 = 1 << 5
	PointerMotionMask     uint32 = 1 << 6
	ButtonMotionMask      uint32 = 1 << 13
	ExposureMask          uint32 = 1 << 15
	StructureNotifyMask   uint32 = 1 << 17
	SubstructureNotifyMsk uint32 = 1 << 19
	FocusChangeMask       uint32 = 1 << 21
	// AllEventsMask is every bit a server honours; others are BadValue.
	AllEventsMask = KeyPressMask | KeyReleaseMask | ButtonPressMask | ButtonReleaseMask |
		EnterWindowMask | LeaveWindowMask | PointerMotionMask | ButtonMotionMask |
		ExposureMask | StructureNotifyMask | SubstructureNotifyMsk | FocusChangeMask | WidgetNotifyMask
)

// Modifier and button state bits carried in events (X's bits).
const (
	ShiftMask   uint16 = 1 << 0
	LockMask    uint16 = 1 << 1
	ControlMask uint16 = 1 << 2
	Mod1Mask    uint16 = 1 << 3 // Alt
	Mod2Mask    uint16 = 1 << 4 // NumLock
	Mod4Mask    uint16 = 1 << 6 // Super
	Mod5Mask    uint16 = 1 << 7 // AltGr (ISO_Level3_Shift)
	Button1Mask uint16 = 1 << 8
	Button2Mask uint16 = 1 << 9
	Button3Mask uint16 = 1 << 10
	Button4Mask uint16 = 1 << 11
	Button5Mask uint16 = 1 << 12
)

// ErrorCode names an error. The numbers are X11's.
type ErrorCode uint8

// Errors.
const (
	BadRequest        ErrorCode = 1
	BadValue          ErrorCode = 2
	BadWindow         ErrorCode = 3
	BadPixmap         ErrorCode = 4
	BadMatch          ErrorCode = 8
	BadDrawable       ErrorCode = 9
	BadAccess         ErrorCode = 10
	BadAlloc          ErrorCode = 11
	BadGC             ErrorCode = 13
	BadIDChoice       ErrorCode = 14
	BadLength         ErrorCode = 16
	BadImplementation ErrorCode = 17
)

var errorNames = map[ErrorCode]string{
	BadRequest: "BadRequest", BadValue: "BadValue", BadWindow: "BadWindow",
	BadPixmap: "BadPixmap", BadMatch: "BadMatch", BadDrawable: "BadDrawable",
	BadAccess: "BadAccess", BadAlloc: "BadAlloc", BadGC: "BadGC",
	BadIDChoice: "BadIDChoice", BadLength: "BadLength", BadImplementation: "BadImplementation",
}

// String returns the error's name.
func (c ErrorCode) String() string {
	if s, ok := errorNames[c]; ok {
		return s
	}
	return fmt.Sprintf("ErrorCode(%d)", uint8(c))
}

// Window creation flags (CreateWindow.Flags, ChangeWindowAttributes.Flags).
const (
	// OverrideRedirect windows (menus, tooltips, popups) are neither
	// decorated nor managed by the window manager, as in X.
	OverrideRedirect uint16 = 1 << 0
	// BackgroundNone leaves exposed areas as they were instead of painting
	// the background, for clients that repaint everything themselves.
	BackgroundNone uint16 = 1 << 1
	windowFlagsAll        = OverrideRedirect | BackgroundNone
)

// ChangeWindowAttributes value-mask bits.
const (
	CWBackPixel uint32 = 1 << 1
	CWBorderPix uint32 = 1 << 3
	CWFlags     uint32 = 1 << 9
	CWEventMask uint32 = 1 << 11
	cwAll              = CWBackPixel | CWBorderPix | CWFlags | CWEventMask
)

// ConfigureWindow value-mask bits (X's).
const (
	ConfigX           uint16 = 1 << 0
	ConfigY           uint16 = 1 << 1
	ConfigWidth       uint16 = 1 << 2
	ConfigHeight      uint16 = 1 << 3
	ConfigBorderWidth uint16 = 1 << 4
	ConfigSibling     uint16 = 1 << 5
	ConfigStackMode   uint16 = 1 << 6
	configAll                = ConfigX | ConfigY | ConfigWidth | ConfigHeight |
		ConfigBorderWidth | ConfigSibling | ConfigStackMode
)

// Stack modes for ConfigureWindow (X's Above/Below; Raise and Lower are
// their sibling-less forms).
const (
	StackAbove uint8 = 0
	StackBelow uint8 = 1
)

// GC value-mask bits (X's numbering where X has the field).
const (
	GCFunction          uint32 = 1 << 0
	GCPlaneMask         uint32 = 1 << 1
	GCForeground        uint32 = 1 << 2
	GCBackground        uint32 = 1 << 3
	GCLineWidth         uint32 = 1 << 4
	GCLineStyle         uint32 = 1 << 5
	GCCapStyle          uint32 = 1 << 6
	GCJoinStyle         uint32 = 1 << 7
	GCFillRule          uint32 = 1 << 9
	GCFont              uint32 = 1 << 14
	GCFontSize          uint32 = 1 << 15
	GCGraphicsExposures uint32 = 1 << 16
	GCClipOrigin        uint32 = 1 << 17
	// GCClipNone removes clip rectangles (X's clip-mask None).
	GCClipNone   uint32 = 1 << 19
	GCDashOffset uint32 = 1 << 20
	GCDashes     uint32 = 1 << 21
	GCArcMode    uint32 = 1 << 22
	gcAll               = GCFunction | GCPlaneMask | GCForeground | GCBackground | GCLineWidth |
		GCLineStyle | GCCapStyle | GCJoinStyle | GCFillRule | GCFont | GCFontSize |
		GCGraphicsExposures | GCClipOrigin | GCClipNone | GCDashOffset | GCDashes | GCArcMode
)

// GC enumerations (X's values).
const (
	LineSolid      = 0
	LineOnOffDash  = 1
	LineDoubleDash = 2

	CapNotLast    = 0
	CapButt       = 1
	CapRound      = 2
	CapProjecting = 3

	JoinMiter = 0
	JoinRound = 1
	JoinBevel = 2

	EvenOddRule = 0
	WindingRule = 1

	ArcChord    = 0
	ArcPieSlice = 1

	// Function values run 0 (GXclear) to 15 (GXset); GXcopy is 3, GXxor 6.
	GXcopy = 3
	GXxor  = 6

	// Coordinate modes for PolyPoint, PolyLine and FillPoly.
	CoordModeOrigin   = 0
	CoordModePrevious = 1

	// Shapes for FillPoly (hints; the server may treat all as Complex).
	ShapeComplex   = 0
	ShapeNonconvex = 1
	ShapeConvex    = 2
)

// Font identifiers for the embedded Go fonts (package fonts).
const (
	FontRegular  = 0
	FontBold     = 1
	FontMono     = 2
	FontMonoBold = 3
	maxFont      = FontMonoBold
)

// Image formats for PutImage and GetImage.
const (
	// FormatBGRX is 32 bits per pixel, little-endian 0x00RRGGBB: bytes
	// B, G, R, X, exactly X's depth-24 ZPixmap on a little-endian server.
	FormatBGRX = 0
	// FormatPalette is up to 256 colours and 1, 2, 4 or 8-bit indices
	// (PutImage only; encodings.go).
	FormatPalette = 1
	// FormatFiltered is B, G, R bytes per pixel, each row minus a
	// predictor chosen per row (PutImage only; encodings.go).
	FormatFiltered = 2
	// FormatJPEG is a baseline JPEG of exactly the image's size: lossy,
	// sent only when a user allows it (xbridge --quality).
	FormatJPEG = 3
	// MaxEncodedPixels bounds the pixels an encoded PutImage may
	// describe: what a raw one could carry in the largest body.
	MaxEncodedPixels = MaxBody / 4
)
