package autoconsent_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/privscan/privscan/crawler/consent/autoconsent"
	"github.com/privscan/privscan/crawler/consent/autoconsent/actest"
	"github.com/privscan/privscan/internal/testenv"
)

// TestEngineFoundInCI asserts that CI runs with the real rule set: make
// test fetches it before the tests, so a CI run without it is a broken
// setup, not a reason to fall back silently.
func TestEngineFoundInCI(t *testing.T) {
	b, err := autoconsent.Find("", os.Getenv)
	if !testenv.InCI() {
		t.Skip("only asserted in CI")
	}
	if err != nil {
		t.Fatalf("CI=true but autoconsent was not found: %v", err)
	}
	if b.Version != autoconsent.Version || b.License != autoconsent.License {
		t.Fatalf("found %s %s, want %s %s", b.Version, b.License, autoconsent.Version, autoconsent.License)
	}
}

func TestCheckIntegrity(t *testing.T) {
	data := []byte("hello")
	// sha512 of "hello", base64.
	good := "sha512-m3HSJL1i83hdltRq0+o9czGb+8KJDKra4t/3JRlnPKcjI8PZm6XBHXx6zG4UuMXaDEZjR1wuXDre9G9zvN7AQw=="
	if err := autoconsent.CheckIntegrity(data, good); err != nil {
		t.Errorf("good integrity: %v", err)
	}
	if err := autoconsent.CheckIntegrity([]byte("hellO"), good); err == nil {
		t.Error("changed bytes passed the integrity check")
	}
	if err := autoconsent.CheckIntegrity(data, "sha1-abc"); err == nil {
		t.Error("a sha1 integrity was accepted")
	}
}

func TestFindOrder(t *testing.T) {
	empty := t.TempDir()
	env := map[string]string{"XDG_CACHE_HOME": empty}
	getenv := func(k string) string { return env[k] }
	if _, err := autoconsent.Find("", getenv); err != autoconsent.ErrNotInstalled {
		t.Fatalf("empty cache: got %v, want ErrNotInstalled", err)
	}
	if _, err := autoconsent.Find(empty, getenv); err == nil || !strings.Contains(err.Error(), "package.json") {
		t.Fatalf("a flag naming an empty directory: got %v, want an error naming the missing file", err)
	}
	b := actest.Bundle(t)
	env[autoconsent.EnvVar] = b.Dir
	got, err := autoconsent.Find("", getenv)
	if err != nil || got.Source != "environment" {
		t.Fatalf("environment: got %v, %v", got, err)
	}
	got, err = autoconsent.Find(b.Dir, getenv)
	if err != nil || got.Source != "flag" {
		t.Fatalf("flag: got %v, %v", got, err)
	}
}

// TestTamperedCache: a file changed after the integrity check is refused.
func TestTamperedCache(t *testing.T) {
	b := actest.Bundle(t)
	if _, err := os.Stat(filepath.Join(b.Dir, ".privscan-sha256")); err != nil {
		// In CI make test installs it with privscan rules update, so the
		// record must be there: testenv.Need fails the test rather than skip.
		testenv.Need(t, fmt.Errorf("the package was not installed by privscan rules update: %w", err))
	}
	dir := t.TempDir()
	for _, f := range []string{"package.json", "LICENSE", "dist/autoconsent.playwright.js", "rules/compact-rules.json", "rules/rules.json", ".privscan-sha256"} {
		data, err := os.ReadFile(filepath.Join(b.Dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "dist/autoconsent.playwright.js" {
			data = append(data, []byte("\n;window.evil=1")...)
		}
		p := filepath.Join(dir, f)
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := autoconsent.Load(dir); err == nil || !strings.Contains(err.Error(), "changed after it was fetched") {
		t.Fatalf("tampered script: got %v", err)
	}
}

// TestRulesFor checks the per-frame rule selection against the real rule
// set: a site-specific rule only on its site, frame rules only in frames.
func TestRulesFor(t *testing.T) {
	b := actest.Bundle(t)
	names := func(raw json.RawMessage) map[string]bool {
		var c struct {
			R [][]json.RawMessage `json:"r"`
		}
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, r := range c.R {
			var n string
			_ = json.Unmarshal(r[1], &n)
			out[n] = true
		}
		return out
	}
	top := names(b.Compact.For("https://www.example.test/", true))
	deezer := names(b.Compact.For("https://www.deezer.com/en/", true))
	frame := names(b.Compact.For("https://cdn.privacy-mgmt.com/index.html", false))
	if len(top) == 0 || len(frame) == 0 {
		t.Fatalf("no rules: top %d, frame %d", len(top), len(frame))
	}
	if len(deezer) <= len(top) {
		t.Errorf("a site with its own rule got %d rules, a site without %d", len(deezer), len(top))
	}
	if top["abconcerts.be"] != true {
		t.Error("the generic rule abconcerts.be is missing from the top frame")
	}
	// piano.io's rule runs only in its consent iframe.
	if !frame["piano.io"] || top["piano.io"] {
		t.Errorf("piano.io: in frame %v, in top %v; want only in frames", frame["piano.io"], top["piano.io"])
	}
	var full []json.RawMessage
	if err := json.Unmarshal(b.FullFor("https://www.example.test/", true), &full); err != nil || len(full) == 0 {
		t.Fatalf("full rules: %d, %v", len(full), err)
	}
}
