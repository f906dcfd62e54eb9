package dfsio

import (
	"context"
	"net"
	"os"
	"strings"
	"testing"
)

// TestMain lets the test binary be a floor's child, as Run lets
// hdfsd-dfsio be one.
func TestMain(m *testing.M) {
	if spec, ok := os.LookupEnv(floorEnv); ok {
		os.Exit(runFloorChild(spec, os.Stdout, os.Stderr))
	}
	// The race detector sleeps a second before a process exits; not the
	// floors' children.
	os.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	os.Exit(m.Run())
}

// TestFloorsMeasureAChildAndCleanUp measures both floors of a size that
// ends in a short packet, in a child process each.
func TestFloorsMeasureAChildAndCleanUp(t *testing.T) {
	const size = 8<<20 + 1000
	for _, mode := range []string{modeWrite, modeRead} {
		dir := t.TempDir()
		f := measureFloor(context.Background(), mode, dir, size)
		if f.err != nil || f.bytes != size || f.cpu() <= 0 || f.perGiB() <= 0 || f.whole < f.cpu() ||
			f.pid == os.Getpid() || f.pid <= 0 {
			t.Errorf("%s floor = %+v, want %d bytes moved with some CPU by a child", mode, f, size)
		}
		if left, _ := os.ReadDir(dir); len(left) != 0 {
			t.Errorf("%s floor left %v behind", mode, left)
		}
	}
}

func TestFloorReportsAMissingDir(t *testing.T) {
	f := measureFloor(context.Background(), modeWrite, "/nonexistent/dfsio", 1<<20)
	if f.err == nil || !strings.HasPrefix(f.err.Error(), "dfsio: write floor: ") || f.perGiB() != 0 {
		t.Errorf("floor in a missing dir = %+v, want an error", f)
	}
}

// TestWriteFloorVerifiesChecksums feeds the receiver, in this process, a
// packet whose last byte was changed after its checksums were taken.
func TestWriteFloorVerifiesChecksums(t *testing.T) {
	var frames strings.Builder
	if err := sendFrames(&frames, 2*writeData); err != nil {
		t.Fatal(err)
	}
	b := []byte(frames.String())
	b[len(b)-1]++
	c, peer := net.Pipe()
	go func() {
		peer.Write(b)
		peer.Close()
	}()
	n, err := receivePackets(c, t.TempDir(), 2*writeData)
	c.Close() // ends the writer
	if err == nil || n != writeData || !strings.Contains(err.Error(), "checksum error in the chunk at 128512") {
		t.Errorf("received %d bytes, %v; want a checksum error in the second packet's last chunk", n, err)
	}
}

func TestFloorChildRejectsABadSpec(t *testing.T) {
	var stderr strings.Builder
	if code := runFloorChild("fsync 12 /tmp", &strings.Builder{}, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), "want write|serve SIZE DIR") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}
