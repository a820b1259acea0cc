// Package procstat reads CPU times from Linux's /proc stat files.
package procstat

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"time"
)

// Fields returns the fields of a /proc stat file (a process's or a
// thread's) after the command name, which may itself hold spaces and
// parentheses: Fields(path)[0] is the state, field 3 in proc(5). It
// returns nil when the file cannot be read.
func Fields(path string) []string {
	stat, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(string(stat[i+1:]))
}

// Parent returns the parent pid in fields, 0 when it is missing.
func Parent(fields []string) int {
	if len(fields) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(fields[1])
	return ppid
}

// CPU returns the user and system time in fields. With children it adds
// the time of the children that exited and were waited for: the kernel
// moves a reaped child's time, its own children's included, into its
// parent's.
func CPU(fields []string, children bool) time.Duration {
	// utime, stime, cutime and cstime are fields 14 to 17 of proc(5).
	last := 12
	if children {
		last = 14
	}
	if len(fields) <= last {
		return 0
	}
	var ticks int64
	for _, f := range fields[11 : last+1] {
		n, _ := strconv.ParseInt(f, 10, 64)
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTicks
}

// clockTicks is USER_HZ, the unit of stat's CPU times: 100 on every Linux
// architecture Go supports.
const clockTicks = 100
