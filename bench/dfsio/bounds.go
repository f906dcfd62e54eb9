package dfsio

import (
	"context"
	"fmt"
	"hash/crc32"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// boundsConfig caps the machine-bound measurements so that each is short.
type boundsConfig struct {
	maxBytes int64         // disk and loopback copy at most this much
	maxTime  time.Duration // and stop writing after this long
	crcBuf   int           // the CRC buffer's size
	crcBytes int64         // CRC passes stop after this many bytes
	crcTime  time.Duration // or after this long
}

var defaultBounds = boundsConfig{
	maxBytes: 1 << 30, maxTime: 2 * time.Second,
	crcBuf: 64 << 20, crcBytes: 1 << 30, crcTime: 500 * time.Millisecond,
}

// bound is one measurement: bytes processed in elapsed.
type bound struct {
	bytes   int64
	elapsed time.Duration
	where   string // what was measured, for the report
	err     error
}

// mbps is the bound in TestDFSIO's mb/sec (MiB per second).
func (b bound) mbps() float64 {
	if b.err != nil || b.elapsed <= 0 {
		return 0
	}
	return float64(b.bytes) / mega / b.elapsed.Seconds()
}

// machineBounds are the three bounds measured for one run.
type machineBounds struct {
	disk, loopback, crcChunked, crcWhole bound
}

func measureBounds(ctx context.Context, dir string, n int64, c boundsConfig) machineBounds {
	n = min(n, c.maxBytes)
	var m machineBounds
	m.disk = diskBound(dir, n, c.maxTime)
	m.loopback = loopbackBound(ctx, n, c.maxTime)
	buf := pattern(c.crcBuf)
	m.crcChunked = crcBound(buf, 512, c.crcBytes, c.crcTime)
	m.crcWhole = crcBound(buf, len(buf), c.crcBytes, c.crcTime)
	return m
}

// diskBound writes n bytes (or what fits in maxTime) to a new file in dir
// in 1 MiB writes, fsyncs it and removes it, timing the writes and fsync.
func diskBound(dir string, n int64, maxTime time.Duration) bound {
	b := bound{where: diskName(dir)}
	f, err := os.CreateTemp(dir, "dfsio-disk-*")
	if err != nil {
		b.err = fmt.Errorf("dfsio: disk bound: %w", err)
		return b
	}
	defer os.Remove(f.Name())
	defer f.Close()
	buf := pattern(1 << 20)
	start := time.Now()
	for b.bytes < n && time.Since(start) < maxTime {
		w, err := f.Write(buf[:min(n-b.bytes, int64(len(buf)))])
		b.bytes += int64(w)
		if err != nil {
			b.err = fmt.Errorf("dfsio: disk bound: %w", err)
			return b
		}
	}
	if err := f.Sync(); err != nil {
		b.err = fmt.Errorf("dfsio: disk bound: %w", err)
		return b
	}
	b.elapsed = time.Since(start)
	return b
}

// diskName says which file system holds dir: "dir (source on mountpoint,
// fstype)" from /proc/self/mountinfo, or just dir where that is unknown.
func diskName(dir string) string {
	abs, err := filepath.Abs(dir)
	if err == nil {
		abs, err = filepath.EvalSymlinks(abs)
	}
	info, err2 := os.ReadFile("/proc/self/mountinfo")
	if err != nil || err2 != nil {
		return dir
	}
	if m := mountFor(string(info), abs); m != "" {
		return dir + " (" + m + ")"
	}
	return dir
}

// mountFor finds the mount that holds the absolute path in the text of a
// /proc/<pid>/mountinfo, the last mounted of the longest mount points, and
// describes it as "source on mountpoint, fstype".
func mountFor(mountinfo, path string) string {
	best, bestLen := "", -1
	for line := range strings.Lines(mountinfo) {
		pre, post, ok := strings.Cut(line, " - ")
		f, g := strings.Fields(pre), strings.Fields(post)
		if !ok || len(f) < 5 || len(g) < 2 {
			continue
		}
		mp := f[4]
		if !under(path, mp) || len(mp) < bestLen {
			continue
		}
		best, bestLen = g[1]+" on "+mp+", "+g[0], len(mp)
	}
	return best
}

func under(path, dir string) bool {
	return dir == "/" || path == dir || strings.HasPrefix(path, dir+"/")
}

// loopbackBound copies n bytes (or what fits in maxTime) from one goroutine
// to another over a TCP connection on 127.0.0.1. Both ends copy through
// 128 KiB buffers (io.CopyBuffer): io.Copy alone would pick io.Discard's
// 8 KiB one.
func loopbackBound(ctx context.Context, n int64, maxTime time.Duration) bound {
	b := bound{where: "127.0.0.1"}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.err = fmt.Errorf("dfsio: loopback bound: %w", err)
		return b
	}
	defer ln.Close()
	type received struct {
		n   int64
		err error
	}
	got := make(chan received, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			got <- received{err: err}
			return
		}
		defer c.Close()
		n, err := io.CopyBuffer(onlyWriter{io.Discard}, onlyReader{c}, make([]byte, 128<<10))
		got <- received{n, err}
	}()
	start := time.Now()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", ln.Addr().String())
	if err != nil {
		ln.Close() // ends the Accept
		<-got
		b.err = fmt.Errorf("dfsio: loopback bound: %w", err)
		return b
	}
	src := &timedReader{left: n, deadline: start.Add(maxTime)}
	_, err = io.CopyBuffer(onlyWriter{c}, src, make([]byte, 128<<10))
	c.Close()
	r := <-got
	b.elapsed, b.bytes = time.Since(start), r.n
	if err == nil {
		err = r.err
	}
	if err != nil {
		b.err = fmt.Errorf("dfsio: loopback bound: %w", err)
	}
	return b
}

// onlyWriter and onlyReader hide ReaderFrom and WriterTo, so that
// io.CopyBuffer uses the buffer it is given.
type onlyWriter struct{ io.Writer }
type onlyReader struct{ io.Reader }

// timedReader yields left bytes of whatever is in the caller's buffer, or
// EOF once the deadline has passed.
type timedReader struct {
	left     int64
	deadline time.Time
}

func (r *timedReader) Read(p []byte) (int, error) {
	if r.left <= 0 || time.Now().After(r.deadline) {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), r.left))
	r.left -= int64(n)
	return n, nil
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// crcSink keeps the checksums live.
var crcSink uint32

// crcBound checksums buf in chunk-sized pieces, pass after pass, until
// maxBytes are done or maxTime has passed.
func crcBound(buf []byte, chunk int, maxBytes int64, maxTime time.Duration) bound {
	b := bound{where: fmt.Sprintf("%d-byte chunks of a %d KiB buffer", chunk, len(buf)>>10)}
	if chunk >= len(buf) {
		b.where = fmt.Sprintf("one pass over a %d KiB buffer", len(buf)>>10)
	}
	var sum uint32
	start := time.Now()
	for b.bytes == 0 || b.bytes < maxBytes && time.Since(start) < maxTime {
		for off := 0; off < len(buf); off += chunk {
			sum ^= crc32.Checksum(buf[off:min(off+chunk, len(buf))], castagnoli)
		}
		b.bytes += int64(len(buf))
	}
	b.elapsed = time.Since(start)
	crcSink ^= sum
	return b
}
