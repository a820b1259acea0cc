package browser

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

// PID returns the browser's process id, 0 for a remote browser.
func (b *Browser) PID() int {
	ctx, _, err := b.current()
	if err != nil {
		return 0
	}
	c := chromedp.FromContext(ctx)
	if c == nil || c.Browser == nil || c.Browser.Process() == nil {
		return 0
	}
	return c.Browser.Process().Pid
}

// PSS returns the proportional set size, in bytes, summed over the browser's
// whole process tree (Linux only; 0 elsewhere). PSS is the honest number:
// summed RSS counts shared pages once per process (harness.md §3). Reading
// it walks every mapping of every process, which costs milliseconds per
// Chromium process: sample it sparingly.
func (b *Browser) PSS() int64 {
	var total int64
	for _, pid := range b.tree() {
		total += pssOf(pid)
	}
	return total
}

// CPUTimes returns the CPU time (user + system) each process of the
// browser's tree has used so far, by pid (Linux only; nil elsewhere). A
// process's time is lost once it exits, so a caller that wants a total
// samples often and keeps each pid's last value.
func (b *Browser) CPUTimes() map[int]time.Duration {
	pids := b.tree()
	if len(pids) == 0 {
		return nil
	}
	out := make(map[int]time.Duration, len(pids))
	for _, pid := range pids {
		fields := statFields(pid)
		// utime and stime are fields 14 and 15 of stat, counted from the
		// pid; fields here start at the state, field 3.
		if len(fields) < 13 {
			continue
		}
		utime, _ := strconv.ParseInt(fields[11], 10, 64)
		stime, _ := strconv.ParseInt(fields[12], 10, 64)
		out[pid] = time.Duration(utime+stime) * time.Second / clockTicks
	}
	return out
}

// clockTicks is USER_HZ, the unit of stat's CPU times: 100 on every Linux
// architecture Go supports.
const clockTicks = 100

// tree lists the browser's process and all its descendants.
func (b *Browser) tree() []int {
	root := b.PID()
	if root == 0 {
		return nil
	}
	children := map[int][]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		fields := statFields(pid)
		if len(fields) < 2 {
			continue
		}
		ppid, _ := strconv.Atoi(fields[1])
		children[ppid] = append(children[ppid], pid)
	}
	var out []int
	queue := []int{root}
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		out = append(out, pid)
		queue = append(queue, children[pid]...)
	}
	return out
}

// statFields returns the fields of /proc/pid/stat after the command name
// (which may contain spaces), starting with the state.
func statFields(pid int) []string {
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return nil
	}
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(string(stat[i+1:]))
}

func pssOf(pid int) int64 {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "smaps_rollup"))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "Pss:") {
			fields := strings.Fields(line)
			if len(fields) >= 2 {
				kb, _ := strconv.ParseInt(fields[1], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

// Context returns the browser's chromedp context, for callers that open tabs
// of their own in it (PDF printing).
func (b *Browser) Context() context.Context {
	ctx, _, _ := b.current()
	return ctx
}
