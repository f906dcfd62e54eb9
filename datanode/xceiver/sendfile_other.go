//go:build !linux

package xceiver

import "os"

// sendPacketFromFile is Linux's; elsewhere the caller sends the packet
// with a write and sendfile through the net package.
func (t *tconn) sendPacketFromFile(hdr []byte, f *os.File, off, n int64) (int64, bool, error) {
	return 0, false, nil
}
