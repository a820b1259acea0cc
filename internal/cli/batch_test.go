package cli

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/privscan/privscan/report"
)

func TestReportNames(t *testing.T) {
	urls := []string{"https://a.test/", "https://b.test/shop/", "https://b.test/blog", "a.test", "ftp://bad", "https://c.test/x"}
	want := []string{"a.test.json", "b.test_shop.json", "b.test_blog.json", "a.test-2.json", "target-5.json", "c.test.json"}
	if d := cmp.Diff(want, reportNames(urls, ".json")); d != "" {
		t.Errorf("reportNames (-want +got):\n%s", d)
	}
}

func TestCountAtOrAbove(t *testing.T) {
	s := report.Summary{High: 1, Medium: 2, Low: 4, Info: 8}
	for _, tt := range []struct {
		min  report.Severity
		want int
	}{{report.High, 1}, {report.Medium, 3}, {report.Low, 7}, {report.Info, 15}} {
		if got := countAtOrAbove(s, tt.min); got != tt.want {
			t.Errorf("countAtOrAbove(%s) = %d, want %d", tt.min, got, tt.want)
		}
	}
}
