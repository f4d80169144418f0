package protocol

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// specTable returns the rows of every Markdown table in spec whose header
// row starts with the given cells, each row split into trimmed cells.
func specTable(spec string, header ...string) [][]string {
	var rows [][]string
	in := false
	for _, line := range strings.Split(spec, "\n") {
		if !strings.HasPrefix(line, "|") {
			in = false
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		switch {
		case !in:
			in = len(cells) >= len(header)
			for i := 0; in && i < len(header); i++ {
				in = cells[i] == header[i]
			}
		case strings.HasPrefix(cells[0], "---"):
		default:
			rows = append(rows, cells)
		}
	}
	return rows
}

// TestSpecMatchesCode checks SPEC.md's request tables against
// requestTypes in both directions: every request the code defines has a
// row in §8 with its opcode, name, reply and fixed size, every row names a
// request the code defines, and §5's length limits are the code's.
func TestSpecMatchesCode(t *testing.T) {
	b, err := os.ReadFile("SPEC.md")
	if err != nil {
		t.Fatalf("read SPEC.md: %v", err)
	}
	spec := string(b)

	rows := specTable(spec, "op", "name", "reply", "body bytes")
	if len(rows) == 0 {
		t.Fatal("SPEC.md has no request table (| op | name | reply | body bytes |)")
	}
	inSpec := map[Opcode]bool{}
	for _, r := range rows {
		n, err := strconv.Atoi(r[0])
		if err != nil || n < 0 || n > 255 {
			t.Errorf("SPEC.md request row %q: bad opcode", r)
			continue
		}
		op := Opcode(n)
		if inSpec[op] {
			t.Errorf("SPEC.md lists opcode %d twice", n)
		}
		inSpec[op] = true
		rt := op.requestType()
		if rt == nil {
			t.Errorf("SPEC.md lists opcode %d (%s), which the code does not define", n, r[1])
			continue
		}
		if r[1] != rt.name {
			t.Errorf("opcode %d: SPEC.md says %q, code says %q", n, r[1], rt.name)
		}
		if reply := r[2] == "yes"; reply != rt.reply || (!reply && r[2] != "–") {
			t.Errorf("%s: SPEC.md reply column %q, code has reply=%v", rt.name, r[2], rt.reply)
		}
		fixed, rest, _ := strings.Cut(r[3], " + ")
		if f, err := strconv.Atoi(fixed); err != nil || f != rt.fixed || (rt.tail == 0) != (rest == "") {
			t.Errorf("%s: SPEC.md body bytes %q, code has %d fixed bytes and tail %d", rt.name, r[3], rt.fixed, rt.tail)
		}
	}
	for _, op := range Opcodes() {
		if !inSpec[op] {
			t.Errorf("request %d (%v) is missing from SPEC.md's request table", op, op)
		}
	}

	// §5: every request with a variable part is listed once, with the
	// code's bound; every request listed there has a variable part.
	limits := specTable(spec, "requests", "maximum body")
	if len(limits) == 0 {
		t.Fatal("SPEC.md has no length-limit table (| requests | maximum body |)")
	}
	listed := map[Opcode]bool{}
	for _, r := range limits {
		if strings.HasPrefix(r[0], "fixed layouts") {
			continue
		}
		for _, name := range strings.Split(r[0], ",") {
			name = strings.TrimSpace(name)
			op, ok := opcodeNamed(name)
			if !ok {
				t.Errorf("SPEC.md §5 names %q, which the code does not define", name)
				continue
			}
			rt := op.requestType()
			if listed[op] {
				t.Errorf("SPEC.md §5 lists %s twice", name)
			}
			listed[op] = true
			switch {
			case rt.tail == 0:
				t.Errorf("SPEC.md §5 gives %s a limit, but its layout is fixed", name)
			case rt.tail == tailMax:
				if !strings.HasPrefix(r[1], "the ServerHello's max request") {
					t.Errorf("SPEC.md §5: %s is bounded by %q, code by the max request", name, r[1])
				}
			default:
				if want := strconv.Itoa(rt.fixed) + " + " + strconv.Itoa(rt.tail); r[1] != want {
					t.Errorf("SPEC.md §5: %s is bounded by %q, code by %q", name, r[1], want)
				}
			}
		}
	}
	for _, op := range Opcodes() {
		if op.requestType().tail != 0 && !listed[op] {
			t.Errorf("%v has a variable-length body but no row in SPEC.md §5", op)
		}
	}

	// Events: every table with a "selected by" column, against eventNames.
	events := map[EventCode]bool{}
	for _, r := range specTable(spec, "code", "name", "selected by") {
		n, err := strconv.Atoi(r[0])
		if err != nil || n < 0 || n > maxEventCode {
			t.Errorf("SPEC.md event row %q: bad code", r)
			continue
		}
		c := EventCode(n)
		events[c] = true
		if name, ok := eventNames[c]; !ok || name != r[1] {
			t.Errorf("SPEC.md event %d is %q, code has %q", n, r[1], name)
		}
	}
	for c, name := range eventNames {
		if !events[c] {
			t.Errorf("event %d (%s) is missing from SPEC.md's event tables", c, name)
		}
	}
}

func opcodeNamed(name string) (Opcode, bool) {
	for _, op := range Opcodes() {
		if op.String() == name {
			return op, true
		}
	}
	return 0, false
}

// TestRequestTypes checks the table itself: names are unique and every
// defined opcode decodes its own fixed-size zero body to a request that
// reports that opcode.
func TestRequestTypes(t *testing.T) {
	names := map[string]Opcode{}
	for _, op := range Opcodes() {
		rt := op.requestType()
		if prev, dup := names[rt.name]; dup || rt.name == "" {
			t.Errorf("opcode %d: name %q (also opcode %d)", op, rt.name, prev)
		}
		names[rt.name] = op
		if rt.tail < tailMax {
			t.Errorf("%v: tail %d", op, rt.tail)
		}
		r, _ := rt.decode(op, &decoder{b: make([]byte, rt.fixed)})
		if r == nil || r.Opcode() != op {
			t.Errorf("%v: decoding a zero body gave %#v", op, r)
		}
	}
}
