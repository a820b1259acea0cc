package browser

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/privscan/privscan/internal/procstat"
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

// CPUTime returns the CPU time (user + system) the browser's process tree
// has used so far: its live processes' own time plus that of the processes
// that exited and were reaped inside the tree (the kernel adds a reaped
// child's time to its parent's), so that closed tabs' renderers still
// count. Linux only; 0 elsewhere.
func (b *Browser) CPUTime() time.Duration {
	var total time.Duration
	for _, pid := range b.tree() {
		total += procstat.CPU(procstat.Fields(statPath(pid)), true)
	}
	return total
}

func statPath(pid int) string { return filepath.Join("/proc", strconv.Itoa(pid), "stat") }

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
		ppid := procstat.Parent(procstat.Fields(statPath(pid)))
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
