package autoconsent

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// maxTarball caps what is read of the downloaded tarball (the pinned one
// is 1.3 MB); maxFile caps one unpacked file.
const (
	maxTarball = 64 << 20
	maxFile    = 16 << 20
)

// Update makes sure dir holds the pinned package: when it already does
// (and force is false) it only loads it; otherwise it fetches the tarball
// with the npm client (`npm pack`, so the registry and any proxy come from
// npm's own configuration), checks it against the pinned integrity,
// unpacks the files privscan uses and records their sums. fetched reports
// whether a download happened.
func Update(ctx context.Context, dir string, force bool, logger *slog.Logger) (b *Bundle, fetched bool, err error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if !force {
		if _, serr := os.Stat(filepath.Join(dir, fileSums)); serr == nil {
			if b, err := Load(dir); err == nil {
				return b, false, nil
			} else {
				logger.Info("autoconsent cache is not usable; fetching again", "dir", dir, "error", err)
			}
		}
	}
	tgz, err := npmPack(ctx, logger)
	if err != nil {
		return nil, false, err
	}
	if err := CheckIntegrity(tgz, Integrity); err != nil {
		return nil, false, err
	}
	files, err := unpack(tgz)
	if err != nil {
		return nil, false, fmt.Errorf("unpacking %s@%s: %w", Package, Version, err)
	}
	if err := install(dir, files); err != nil {
		return nil, false, err
	}
	b, err = Load(dir)
	if err != nil {
		return nil, true, err
	}
	return b, true, nil
}

// CheckIntegrity compares data with an npm integrity string
// ("sha512-<base64>").
func CheckIntegrity(data []byte, integrity string) error {
	algo, want, ok := strings.Cut(integrity, "-")
	if !ok || algo != "sha512" {
		return fmt.Errorf("integrity %q: only sha512 is supported", integrity)
	}
	sum := sha512.Sum512(data)
	if got := base64.StdEncoding.EncodeToString(sum[:]); got != want {
		return fmt.Errorf("%s@%s failed its integrity check: got sha512-%s, pinned %s", Package, Version, got, integrity)
	}
	return nil
}

// npmPack downloads the pinned tarball with `npm pack` into a temporary
// directory and returns its bytes.
func npmPack(ctx context.Context, logger *slog.Logger) ([]byte, error) {
	npm, err := exec.LookPath("npm")
	if err != nil {
		return nil, fmt.Errorf("fetching %s@%s needs the npm client (install Node.js's npm), or point --autoconsent or $%s at an unpacked copy: %w", Package, Version, EnvVar, err)
	}
	tmp, err := os.MkdirTemp("", "privscan-autoconsent-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	spec := Package + "@" + Version
	cmd := exec.CommandContext(ctx, npm, "pack", spec, "--json", "--pack-destination", tmp)
	cmd.Dir = tmp
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	logger.Info("fetching autoconsent", "package", spec)
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("npm pack %s: %w: %s", spec, err, strings.TrimSpace(lastLines(stderr.String(), 5)))
	}
	var packed []struct {
		Filename  string `json:"filename"`
		Integrity string `json:"integrity"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &packed); err != nil || len(packed) != 1 {
		return nil, fmt.Errorf("npm pack %s: unexpected output %q", spec, lastLines(stdout.String(), 3))
	}
	name := filepath.Base(packed[0].Filename)
	f, err := os.Open(filepath.Join(tmp, name))
	if err != nil {
		return nil, fmt.Errorf("npm pack %s: %w", spec, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxTarball+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxTarball {
		return nil, fmt.Errorf("npm pack %s: the tarball is larger than %d bytes", spec, maxTarball)
	}
	return data, nil
}

func lastLines(s string, n int) string {
	ls := strings.Split(strings.TrimSpace(s), "\n")
	if len(ls) > n {
		ls = ls[len(ls)-n:]
	}
	return strings.Join(ls, "\n")
}

// unpack reads the files privscan uses out of the tarball (entries under
// "package/"); anything else, links and odd paths are skipped.
func unpack(tgz []byte) (map[string][]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(zr)
	files := map[string][]byte{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		name := path.Clean(h.Name)
		_, rel, ok := strings.Cut(name, "/")
		if !ok || !slices.Contains(packageFiles, rel) {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(tr, maxFile+1))
		if err != nil {
			return nil, err
		}
		if len(data) > maxFile {
			return nil, fmt.Errorf("%s is larger than %d bytes", rel, maxFile)
		}
		files[rel] = data
	}
	for _, f := range packageFiles {
		if _, ok := files[f]; !ok {
			return nil, fmt.Errorf("the package has no %s", f)
		}
	}
	return files, nil
}

// install writes files into dir through a sibling temporary directory,
// then swaps it in, so a reader never sees half a package.
func install(dir string, files map[string][]byte) error {
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("autoconsent cache: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, ".tmp-autoconsent-")
	if err != nil {
		return fmt.Errorf("autoconsent cache: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	for name, data := range files {
		p := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(tmp, fileSums), sums(files), 0o644); err != nil {
		return err
	}
	old := dir + ".old"
	_ = os.RemoveAll(old)
	if _, err := os.Stat(dir); err == nil {
		if err := os.Rename(dir, old); err != nil {
			return fmt.Errorf("autoconsent cache: %w", err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("autoconsent cache: %w", err)
	}
	_ = os.RemoveAll(old)
	return nil
}
