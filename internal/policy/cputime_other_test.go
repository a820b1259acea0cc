//go:build !unix

package policy

import "runtime/metrics"

// userCPU returns the Go runtime's estimate of user CPU time so far, in
// seconds, where the kernel's count is not available.
func userCPU() float64 {
	s := []metrics.Sample{{Name: "/cpu/classes/user:cpu-seconds"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64 {
		return 0
	}
	return s[0].Value.Float64()
}
