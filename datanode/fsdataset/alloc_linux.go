package fsdataset

import (
	"os"
	"syscall"
)

// allocateKeepSize allocates n bytes of f's blocks from off without
// changing its size (fallocate with FALLOC_FL_KEEP_SIZE).
func allocateKeepSize(f *os.File, off, n int64) error {
	const fallocFlKeepSize = 0x1
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) {
		ferr = syscall.Fallocate(int(fd), fallocFlKeepSize, off, n)
	}); err != nil {
		return err
	}
	return ferr
}
