// Package autoconsent finds, fetches and loads DuckDuckGo's autoconsent
// (npm @duckduckgo/autoconsent, MPL-2.0): the maintained rule set that opts
// out of (and into) several hundred consent platforms, each rule with a
// self-test. privscan treats it as an installed dependency, like Chromium:
// a pinned version is fetched by `privscan rules update` (and by the
// Makefile's demo and test targets) into a cache outside the repository,
// its tarball checked against the registry's pinned sha512 integrity. Its
// code never enters the repository.
//
// A scan finds it through --autoconsent DIR, then $PRIVSCAN_AUTOCONSENT,
// then the cache ($XDG_CACHE_HOME/privscan/autoconsent/<version>, or the
// platform's user cache directory). Without it, consent journeys use the
// built-in selectors and labels alone.
package autoconsent

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// The pinned package. Integrity is the registry's dist.integrity of the
// tarball; Update refuses any other bytes.
const (
	Package   = "@duckduckgo/autoconsent"
	Version   = "16.23.0"
	Integrity = "sha512-NTmDhASFf5pUsSwg2TyT9R75GYUcuYZXPyBnRcYgJgozg6RLeXXP9uH8ADxA364yQ2gJBMu83AN/D24Y4nkPKg=="
	License   = "MPL-2.0"
)

// EnvVar names the directory of an unpacked package, overriding the cache.
const EnvVar = "PRIVSCAN_AUTOCONSENT"

// The files privscan uses, relative to the package directory. Only these
// are unpacked from the tarball.
const (
	fileManifest = "package.json"
	fileLicense  = "LICENSE"
	fileScript   = "dist/autoconsent.playwright.js"
	fileCompact  = "rules/compact-rules.json"
	fileFull     = "rules/rules.json"
	// fileSums records the sha256 of each unpacked file, written after the
	// tarball's integrity was checked; Load verifies the files against it.
	fileSums = ".privscan-sha256"
)

var packageFiles = []string{fileManifest, fileLicense, fileScript, fileCompact, fileFull}

// Bundle is a loaded package: the content script and the rules it needs.
type Bundle struct {
	// Dir is where the package was found; Source says how ("flag",
	// "environment" or "cache").
	Dir, Source string
	// Version and License are from the package's package.json.
	Version, License string
	// Script is dist/autoconsent.playwright.js, the content script that
	// talks through window.autoconsentSendMessage.
	Script string
	// Compact is rules/compact-rules.json (the rules for opting out).
	Compact *CompactRules
	// Full is the "autoconsent" list of rules/rules.json (opt-in steps are
	// only there).
	Full []FullRule
}

// CacheDir is where Update puts the pinned version by default:
// $XDG_CACHE_HOME/privscan/autoconsent/<version>, else the user cache
// directory of the platform.
func CacheDir(getenv func(string) string) (string, error) {
	base := getenv("XDG_CACHE_HOME")
	if base == "" {
		d, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("no cache directory for autoconsent (set XDG_CACHE_HOME or %s): %w", EnvVar, err)
		}
		base = d
	}
	return filepath.Join(base, "privscan", "autoconsent", Version), nil
}

// ErrNotInstalled is returned by Find when no package is found; the
// message says how to install one.
var ErrNotInstalled = errors.New("autoconsent is not installed (run `privscan rules update`)")

// Find locates and loads the package: dir (the --autoconsent flag) when
// given, else $PRIVSCAN_AUTOCONSENT, else the cache. A named directory that
// does not hold a valid package is an error; an empty cache is
// ErrNotInstalled.
func Find(dir string, getenv func(string) string) (*Bundle, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	source := "flag"
	if dir == "" {
		dir, source = getenv(EnvVar), "environment"
	}
	if dir == "" {
		d, err := CacheDir(getenv)
		if err != nil {
			return nil, err
		}
		if _, err := os.Stat(filepath.Join(d, fileSums)); errors.Is(err, os.ErrNotExist) {
			return nil, ErrNotInstalled
		}
		dir, source = d, "cache"
	}
	b, err := Load(dir)
	if err != nil {
		return nil, err
	}
	b.Source = source
	return b, nil
}

// Load reads an unpacked package from dir: a directory Update filled (its
// files are checked against the sums written after the tarball's
// integrity check) or any unpacked copy of the package (e.g. from
// `npm pack`), which must be the pinned version.
func Load(dir string) (*Bundle, error) {
	read := func(name string) ([]byte, error) {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return nil, fmt.Errorf("autoconsent in %s: %w", dir, err)
		}
		return b, nil
	}
	files := map[string][]byte{}
	for _, f := range packageFiles {
		b, err := read(f)
		if err != nil {
			return nil, err
		}
		files[f] = b
	}
	if sums, err := os.ReadFile(filepath.Join(dir, fileSums)); err == nil {
		if err := checkSums(sums, files); err != nil {
			return nil, fmt.Errorf("autoconsent in %s: %w (run `privscan rules update`)", dir, err)
		}
	}
	var man struct {
		Name    string `json:"name"`
		Version string `json:"version"`
		License string `json:"license"`
	}
	if err := json.Unmarshal(files[fileManifest], &man); err != nil {
		return nil, fmt.Errorf("autoconsent in %s: package.json: %w", dir, err)
	}
	if man.Name != Package {
		return nil, fmt.Errorf("autoconsent in %s: the package is %q, not %s", dir, man.Name, Package)
	}
	if man.Version != Version {
		return nil, fmt.Errorf("autoconsent in %s: version %s, privscan is pinned to %s (run `privscan rules update`)", dir, man.Version, Version)
	}
	b := &Bundle{Dir: dir, Version: man.Version, License: man.License, Script: string(files[fileScript])}
	if !strings.Contains(b.Script, "autoconsentReceiveMessage") {
		return nil, fmt.Errorf("autoconsent in %s: %s is not the content script privscan expects", dir, fileScript)
	}
	var err error
	if b.Compact, err = parseCompact(files[fileCompact]); err != nil {
		return nil, fmt.Errorf("autoconsent in %s: %s: %w", dir, fileCompact, err)
	}
	if b.Full, err = parseFull(files[fileFull]); err != nil {
		return nil, fmt.Errorf("autoconsent in %s: %s: %w", dir, fileFull, err)
	}
	return b, nil
}

// sums renders the sha256 lines of files, sorted by name.
func sums(files map[string][]byte) []byte {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	var buf bytes.Buffer
	for _, n := range names {
		h := sha256.Sum256(files[n])
		fmt.Fprintf(&buf, "%s  %s\n", hex.EncodeToString(h[:]), n)
	}
	return buf.Bytes()
}

func checkSums(want []byte, files map[string][]byte) error {
	got := map[string]string{}
	for _, l := range strings.Split(string(sums(files)), "\n") {
		if h, n, ok := strings.Cut(l, "  "); ok {
			got[n] = h
		}
	}
	for _, l := range strings.Split(string(want), "\n") {
		h, n, ok := strings.Cut(strings.TrimSpace(l), "  ")
		if !ok {
			continue
		}
		if g, seen := got[n]; seen && g != h {
			return fmt.Errorf("%s was changed after it was fetched (sha256 %s, fetched %s)", n, g, h)
		}
	}
	return nil
}
