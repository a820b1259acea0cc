// Package storetest gives tests fresh databases: a SQLite file in a
// temporary directory, or a new database on the PostgreSQL server named by
// $PRIVSCAN_TEST_POSTGRES. Outside CI a missing server skips the test; with
// CI set it fails, so CI never silently skips the PostgreSQL half.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/privscan/privscan/internal/store"
	"github.com/privscan/privscan/internal/testenv"
)

// EnvPostgres names the variable holding the test server's DSN.
const EnvPostgres = "PRIVSCAN_TEST_POSTGRES"

// EnvRestart names the variable holding a shell command that restarts the
// test PostgreSQL server (e.g. "bash scripts/ensure-postgres.sh restart").
const EnvRestart = "PRIVSCAN_TEST_POSTGRES_RESTART"

// Drivers are the drivers a table test runs on.
var Drivers = []store.Driver{store.SQLite, store.Postgres}

// Addr returns the address of a fresh, empty database of the driver.
func Addr(t testing.TB, driver store.Driver) string {
	t.Helper()
	if driver == store.SQLite {
		return filepath.Join(t.TempDir(), "privscan.db")
	}
	return NewPostgresDB(t)
}

// Open opens (and migrates) a fresh database of the driver, closed when the
// test ends.
func Open(t testing.TB, driver store.Driver) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), Addr(t, driver))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// PostgresDSN returns the test server's DSN, skipping the test when there is
// none (failing it in CI).
func PostgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvPostgres)
	if dsn == "" {
		testenv.Need(t, fmt.Errorf("no PostgreSQL: set %s (scripts/ensure-postgres.sh prints it)", EnvPostgres))
	}
	return dsn
}

// NewPostgresDB creates an empty database on the test server, dropped when
// the test ends, and returns its DSN.
func NewPostgresDB(t testing.TB) string {
	t.Helper()
	dsn := PostgresDSN(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer conn.Close(context.Background())
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "privscan_t_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return
		}
		defer c.Close(ctx)
		_, _ = c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// RestartPostgres restarts the test server with $PRIVSCAN_TEST_POSTGRES_RESTART.
func RestartPostgres(t testing.TB) {
	t.Helper()
	cmd := os.Getenv(EnvRestart)
	if cmd == "" {
		testenv.Need(t, fmt.Errorf("set %s to a command that restarts the test PostgreSQL", EnvRestart))
	}
	out, err := exec.Command("bash", "-c", cmd).CombinedOutput()
	if err != nil {
		t.Fatalf("restart postgres: %v\n%s", err, strings.TrimSpace(string(out)))
	}
}
