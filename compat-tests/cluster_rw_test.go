package compattests

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"sync"
	"testing"

	"github.com/colinmarc/hdfs/v2"
)

// The stock Go client writing and reading through hdfsd DataNodes.

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t *testing.T, c *hdfs.Client, name string, data []byte, blockSize int64) {
	t.Helper()
	w, err := c.CreateFile(name, 3, blockSize, 0o644)
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	// An empty write would still allocate a block the client never
	// writes, which no NameNode can complete (Hadoop's neither).
	if len(data) > 0 {
		if _, err := w.Write(data); err != nil {
			t.Fatalf("write %s: %v", name, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatalf("close %s: %v", name, err)
	}
}

func readBack(t *testing.T, c *hdfs.Client, name string, want []byte) {
	t.Helper()
	got, err := c.ReadFile(name)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("read %s: %d bytes differ from the %d written", name, len(got), len(want))
	}
}

// Files of every size class around a checksum chunk and a block, written
// with three replicas and read back.
func TestCluster_StockClientWritesAndReadsEverySize(t *testing.T) {
	c := startRealCluster(t, 3, nil)
	cl := newClient(t, c.nn, superuser(t))
	for _, n := range []int{0, 1, 511, 512, 513, 64<<10 + 1, 1<<20 + 1} {
		data := randomBytes(t, n)
		name := fmt.Sprintf("/size-%d", n)
		writeFile(t, cl, name, data, 1<<20)
		readBack(t, cl, name, data)
	}
	// A multi-block file with small blocks, read whole and from inside.
	data := randomBytes(t, 5<<20+333)
	writeFile(t, cl, "/multi", data, 1<<20)
	readBack(t, cl, "/multi", data)
	r, err := cl.Open("/multi")
	must(t, err)
	defer r.Close()
	buf := make([]byte, 4096)
	if _, err := r.ReadAt(buf, 3<<20-100); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf, data[3<<20-100:3<<20-100+4096]) {
		t.Fatal("a read across a block boundary differs")
	}
}

// Appends with partial chunks, flushes, and concurrent writers.
func TestCluster_AppendFlushAndConcurrentWriters(t *testing.T) {
	c := startRealCluster(t, 3, nil)
	cl := newClient(t, c.nn, superuser(t))
	first := randomBytes(t, 700)
	writeFile(t, cl, "/app", first, 1<<20)
	all := first
	for i := range 3 {
		more := randomBytes(t, 300+i)
		w, err := cl.Append("/app")
		must(t, err)
		_, err = w.Write(more)
		must(t, err)
		must(t, w.Flush())
		must(t, w.Close())
		all = append(all, more...)
	}
	readBack(t, cl, "/app", all)

	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			data := bytes.Repeat([]byte{byte(i)}, 200_000+i)
			w, err := cl.CreateFile(fmt.Sprintf("/conc-%d", i), 3, 1<<20, 0o644)
			if err == nil {
				_, err = io.Copy(w, bytes.NewReader(data))
				if cerr := w.Close(); err == nil {
					err = cerr
				}
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	for i := range 8 {
		readBack(t, cl, fmt.Sprintf("/conc-%d", i), bytes.Repeat([]byte{byte(i)}, 200_000+i))
	}
}
