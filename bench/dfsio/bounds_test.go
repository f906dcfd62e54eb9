package dfsio

import (
	"context"
	"os"
	"testing"
	"time"
)

func TestBoundsMeasureTinySizes(t *testing.T) {
	dir := t.TempDir()
	m := measureBounds(context.Background(), dir, 200<<10, tinyBounds)
	for name, b := range map[string]bound{"disk": m.disk, "loopback": m.loopback} {
		if b.err != nil || b.bytes != 200<<10 || b.elapsed <= 0 || b.mbps() <= 0 {
			t.Errorf("%s bound = %+v, want 200 KiB in some time", name, b)
		}
	}
	for name, b := range map[string]bound{"chunked": m.crcChunked, "whole": m.crcWhole} {
		if b.err != nil || b.bytes < tinyBounds.crcBytes || b.bytes%int64(tinyBounds.crcBuf) != 0 || b.mbps() <= 0 {
			t.Errorf("crc %s bound = %+v, want whole passes of at least %d bytes", name, b, tinyBounds.crcBytes)
		}
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("disk bound left %v behind", left)
	}
}

func TestBoundsAreCapped(t *testing.T) {
	c := tinyBounds
	c.maxBytes = 100 << 10
	m := measureBounds(context.Background(), t.TempDir(), 1<<30, c)
	if m.disk.bytes != 100<<10 || m.loopback.bytes != 100<<10 {
		t.Errorf("disk %d, loopback %d bytes; want the 100 KiB cap", m.disk.bytes, m.loopback.bytes)
	}
	if b := diskBound(t.TempDir(), 1<<30, 0); b.err != nil || b.bytes != 0 {
		t.Errorf("disk bound with no time = %+v, want no bytes", b)
	}
	if b := loopbackBound(context.Background(), 1<<30, 0); b.err != nil || b.bytes != 0 {
		t.Errorf("loopback bound with no time = %+v, want no bytes", b)
	}
	if b := crcBound(make([]byte, 4096), 512, 1<<40, time.Nanosecond); b.bytes != 4096 {
		t.Errorf("crc bound with no time did %d bytes, want one pass", b.bytes)
	}
}

func TestDiskBoundReportsAMissingDir(t *testing.T) {
	if b := diskBound("/nonexistent/dfsio", 1024, time.Second); b.err == nil {
		t.Error("no error for a missing -diskdir")
	}
}

func TestMountForPicksTheLongestMountPoint(t *testing.T) {
	const info = `22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw
30 22 0:26 / /tmp rw,nosuid shared:5 - tmpfs tmpfs rw,size=8g
31 22 259:3 / /data rw,relatime shared:6 - xfs /dev/nvme1n1 rw
32 31 259:4 / /data/dn1 rw,relatime shared:7 - xfs /dev/nvme2n1 rw
`
	for path, want := range map[string]string{
		"/tmp/x":        "tmpfs on /tmp, tmpfs",
		"/data/dn1/a":   "/dev/nvme2n1 on /data/dn1, xfs",
		"/data/dn10":    "/dev/nvme1n1 on /data, xfs",
		"/home/u":       "/dev/nvme0n1p2 on /, ext4",
		"/tmpfoo/b/c/d": "/dev/nvme0n1p2 on /, ext4",
	} {
		if got := mountFor(info, path); got != want {
			t.Errorf("mountFor(%s) = %q, want %q", path, got, want)
		}
	}
}
