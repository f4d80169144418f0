package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// procStat returns a process's parent and its user+system CPU ticks.
func procStat(pid int) (ppid int, ticks int64, ok bool) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, false
	}
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 > len(s) {
		return 0, 0, false
	}
	f := strings.Fields(s[i+2:]) // from the state, field 3
	if len(f) < 13 {
		return 0, 0, false
	}
	ppid, _ = strconv.Atoi(f[1])
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return ppid, ut + st, true
}

// clockTick is USER_HZ, the unit of /proc's CPU times on Linux.
const clockTick = 100

// ProcessCPU returns the user+system CPU time pid has used so far.
func ProcessCPU(pid int) (time.Duration, error) {
	_, t, ok := procStat(pid)
	if !ok {
		return 0, fmt.Errorf("read /proc/%d/stat: no such process", pid)
	}
	return time.Duration(t) * time.Second / clockTick, nil
}

// TreeCPU is the CPU time of pid and all its descendants (a browser and
// its renderer processes, a server and its children).
func TreeCPU(pid int) time.Duration {
	children := map[int][]int{}
	ticks := map[int]int64{}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		p, err := strconv.Atoi(filepath.Base(d))
		if err != nil {
			continue
		}
		if pp, t, ok := procStat(p); ok {
			children[pp] = append(children[pp], p)
			ticks[p] = t
		}
	}
	var total int64
	var walk func(int)
	walk = func(p int) {
		total += ticks[p]
		for _, c := range children[p] {
			walk(c)
		}
	}
	walk(pid)
	return time.Duration(total) * time.Second / clockTick
}
