package policy

import (
	"os"
	"testing"
)

// reportThroughput reports policies/s (wall) and policies/cpu-s.
func reportThroughput(b *testing.B, policies int, cpu0 float64) {
	b.ReportMetric(float64(policies)/b.Elapsed().Seconds(), "policies/s")
	if cpu := userCPU() - cpu0; cpu > 0 {
		b.ReportMetric(float64(policies)/cpu, "policies/cpu-s")
	}
}

// BenchmarkAnalyze analyses the five pre-extracted seed policies per
// iteration and reports policies/s and input KB per policy.
func BenchmarkAnalyze(b *testing.B) {
	var docs []*Document
	var size int
	for _, f := range seedFiles(b) {
		body, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		size += len(body)
		doc, err := Extract(body, "text/plain; charset=utf-8", f)
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, doc)
	}
	// A 50 KB policy: the seeds concatenated, cut at 50 KiB.
	var all []byte
	for _, f := range seedFiles(b) {
		body, _ := os.ReadFile(f)
		all = append(all, body...)
		all = append(all, '\n')
	}
	big, err := Extract(all[:50<<10], "text/plain; charset=utf-8", "big")
	if err != nil {
		b.Fatal(err)
	}
	vendors := catalogueTerms()
	// As a scan reads them: the vendor list compiled once (NewAnalyzer),
	// every document read against it.
	an := NewAnalyzer(vendors)
	an.Analyze(docs[0])
	for _, bc := range []struct {
		name string
		docs []*Document
		kb   float64
	}{
		{"seeds", docs, float64(size) / float64(len(docs)) / 1024},
		{"50KB", []*Document{big}, 50},
	} {
		b.Run(bc.name, func(b *testing.B) {
			cpu0 := userCPU()
			for b.Loop() {
				for _, d := range bc.docs {
					an.Analyze(d)
				}
			}
			reportThroughput(b, b.N*len(bc.docs), cpu0)
			b.ReportMetric(bc.kb, "KB/policy")
		})
	}
	// Analyze(doc, vendors) compiles the list on every call: what a
	// one-off caller (privscan policy) pays.
	b.Run("50KB-compile-each", func(b *testing.B) {
		cpu0 := userCPU()
		for b.Loop() {
			Analyze(big, vendors)
		}
		reportThroughput(b, b.N, cpu0)
	})
}

// BenchmarkExtractAnalyze includes extraction and sentence splitting.
func BenchmarkExtractAnalyze(b *testing.B) {
	var bodies [][]byte
	for _, f := range seedFiles(b) {
		body, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		bodies = append(bodies, body)
	}
	an := NewAnalyzer(catalogueTerms())
	if _, err := englishTokenizer(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	cpu0 := userCPU()
	for b.Loop() {
		for _, body := range bodies {
			doc, err := Extract(body, "text/plain; charset=utf-8", "")
			if err != nil {
				b.Fatal(err)
			}
			an.Analyze(doc)
		}
	}
	reportThroughput(b, b.N*len(bodies), cpu0)
}
