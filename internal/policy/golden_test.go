package policy

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// seedFiles returns the seed policies, sorted.
func seedFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/seeds/*.txt")
	if err != nil || len(files) != 5 {
		t.Fatalf("want 5 seeds, got %d (%v)", len(files), err)
	}
	return files
}

// analyzeSeed extracts and analyses one seed, with a stable URL.
func analyzeSeed(t testing.TB, path string) *Analysis {
	t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Extract(body, "text/plain; charset=utf-8", "file:///seeds/"+filepath.Base(path))
	if err != nil {
		t.Fatal(err)
	}
	return catalogueAnalyzer().Analyze(doc)
}

// TestGoldenSeeds compares each seed's analysis with its golden JSON. Run
// with -update to rewrite them, then review the diff by hand.
func TestGoldenSeeds(t *testing.T) {
	for _, path := range seedFiles(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".txt")
		t.Run(name, func(t *testing.T) {
			got, err := json.MarshalIndent(analyzeSeed(t, path), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", "golden", name+".json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(want, got) {
				t.Errorf("%s mismatch (-want +got):\n%s", golden, cmp.Diff(string(want), string(got)))
			}
		})
	}
}
