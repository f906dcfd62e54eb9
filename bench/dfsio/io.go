package dfsio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"
)

// fileResult is one file's share of the run, as a TestDFSIO map task
// reports it.
type fileResult struct {
	bytes   int64
	elapsed time.Duration // first byte to Close
}

// dataDir holds the files: <dir>/io_data, as TestDFSIO's getDataDir.
func dataDir(baseDir string) string { return baseDir + "/io_data" }

// fileName is the i-th file's name, TestDFSIO's BASE_FILE_NAME + i.
func fileName(baseDir string, i int) string {
	return dataDir(baseDir) + "/test_io_" + strconv.Itoa(i)
}

// pattern is the bytes the writers write: the digits and the letters after
// them, cycling every 50 bytes, the pattern TestDFSIO's WriteMapper writes.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + i%50)
	}
	return b
}

// runFiles runs one(i) for each of n files at once, one goroutine each.
// The first failure cancels the others; it returns the results of all.
func runFiles(ctx context.Context, n int, one func(ctx context.Context, i int) (fileResult, error)) ([]fileResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	res := make([]fileResult, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if res[i], errs[i] = one(ctx, i); errs[i] != nil {
				cancel()
			}
		})
	}
	wg.Wait()
	return res, firstCause(errs)
}

// firstCause joins the errors that are not the cancellation caused by
// another file's failure.
func firstCause(errs []error) error {
	var causes []error
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			causes = append(causes, err)
		}
	}
	if len(causes) == 0 {
		return errors.Join(errs...)
	}
	return errors.Join(causes...)
}

// writeFile writes size bytes to name in bufferSize writes, timed from the
// first write to the end of Close, which waits for the pipeline's acks.
func writeFile(ctx context.Context, fs FS, name string, c config, buf []byte) (fileResult, error) {
	w, err := fs.Create(name, c.replication)
	if err != nil {
		return fileResult{}, fmt.Errorf("dfsio: create %s: %w", name, err)
	}
	start := time.Now()
	for left := c.size; left > 0; {
		if err := ctx.Err(); err != nil {
			w.Close()
			return fileResult{}, err
		}
		n := min(left, int64(len(buf)))
		if _, err := w.Write(buf[:n]); err != nil {
			w.Close()
			return fileResult{}, fmt.Errorf("dfsio: write %s: %w", name, err)
		}
		left -= n
	}
	if err := w.Close(); err != nil {
		return fileResult{}, fmt.Errorf("dfsio: close %s: %w", name, err)
	}
	return fileResult{bytes: c.size, elapsed: time.Since(start)}, nil
}

// readFile reads the first size bytes of name in bufferSize reads, timed
// from the first read to the end of Close.
func readFile(ctx context.Context, fs FS, name string, c config, buf []byte) (fileResult, error) {
	r, err := fs.Open(name)
	if err != nil {
		return fileResult{}, fmt.Errorf("dfsio: open %s: %w", name, err)
	}
	start := time.Now()
	var got int64
	for got < c.size {
		if err := ctx.Err(); err != nil {
			r.Close()
			return fileResult{}, err
		}
		n, err := r.Read(buf[:min(c.size-got, int64(len(buf)))])
		got += int64(n)
		if err == io.EOF {
			break
		}
		if err != nil {
			r.Close()
			return fileResult{}, fmt.Errorf("dfsio: read %s: %w", name, err)
		}
	}
	if err := r.Close(); err != nil {
		return fileResult{}, fmt.Errorf("dfsio: close %s: %w", name, err)
	}
	if got < c.size {
		return fileResult{}, fmt.Errorf("dfsio: %s has %d bytes, fewer than -size %d; run -write first", name, got, c.size)
	}
	return fileResult{bytes: got, elapsed: time.Since(start)}, nil
}
