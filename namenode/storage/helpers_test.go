package storage

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hdfsd/hdfsd/internal/golden"
)

// testdata returns shared/testdata/<sub...>.
func testdata(t testing.TB, sub ...string) string { return golden.Path(t, sub...) }

// extract unpacks a gzipped tarball from shared/testdata into a fresh
// t.TempDir() and returns it.
func extract(t testing.TB, sub ...string) string { return golden.Extract(t, sub...) }

// listing builds a Listing by hand: a formatted directory whose current/
// holds files (each 1 byte long; see scanned for in-progress ends).
func listing(root string, role Role, seen int64, files ...string) Listing {
	l := Listing{Dir: Dir{Root: root, Role: role}, HasVersion: true, SeenTxID: seen}
	for _, f := range files {
		l.Entries = append(l.Entries, Entry{File: f, Name: ParseName(f), Size: 1})
	}
	return l
}

// scanned sets the scan result of an in-progress segment in l.
func scanned(l Listing, file string, last int64) Listing {
	for i := range l.Entries {
		if l.Entries[i].File == file {
			l.Entries[i].Scan = &Scan{LastTxID: last}
		}
	}
	return l
}

// treeOf lists every regular file under root, relative and sorted.
func treeOf(t testing.TB, root string) []string {
	t.Helper()
	var out []string
	err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if !info.IsDir() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// keysOf returns the keys of a properties file in file order.
func keysOf(t testing.TB, data []byte) []string {
	t.Helper()
	p, err := ParseProperties(data)
	if err != nil {
		t.Fatal(err)
	}
	return p.Keys()
}

func lines(b []byte) []string { return strings.Split(strings.TrimRight(string(b), "\n"), "\n") }

// fixedClock is 2026-11-23 10:53:40.493 UTC, the nn-namedir capture's day.
func fixedClock() time.Time { return time.UnixMilli(1795431220493).UTC() }

// counter is a deterministic "random" source: 1, 2, 3, ...
type counter struct{ b byte }

func (z *counter) Read(p []byte) (int, error) {
	for i := range p {
		z.b++
		p[i] = z.b
	}
	return len(p), nil
}
