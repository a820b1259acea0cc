//go:build unix

package policy

import "syscall"

// userCPU returns the CPU time (user and system) the process has used, in
// seconds, as the kernel counts it. Benchmarks report throughput per
// CPU-second as well as per wall-second, because wall time on a shared
// machine measures the neighbours.
func userCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
