package fsimage

import (
	"bufio"
	"io"
	"testing"

	"github.com/hdfsd/hdfsd/internal/golden"
)

func testdata(t testing.TB, parts ...string) string { return golden.Path(t, parts...) }

func untar(t testing.TB, parts ...string) string { return golden.Extract(t, parts...) }

// openImage opens an image file, verifying its .md5 sidecar.
func openImage(t testing.TB, path string) *Image {
	t.Helper()
	img, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { img.Close() })
	return img
}

func newBufioWriter(w io.Writer) *bufio.Writer { return bufio.NewWriter(w) }
