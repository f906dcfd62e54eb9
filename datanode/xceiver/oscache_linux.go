//go:build linux && (amd64 || arm64)

package xceiver

import (
	"os"
	"syscall"
)

// apply carries the actions out on f; failures only cost the cache its
// management, as in Hadoop, and are ignored.
func (a cacheActions) apply(f *os.File) {
	if a.syncLen == 0 && a.dropLen == 0 {
		return
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	rc.Control(func(fd uintptr) {
		const syncFileRangeWrite = 2 // SYNC_FILE_RANGE_WRITE
		const posixFadvDontneed = 4  // POSIX_FADV_DONTNEED
		if a.syncLen > 0 {
			syscall.Syscall6(syscall.SYS_SYNC_FILE_RANGE, fd, uintptr(a.syncOff), uintptr(a.syncLen), syncFileRangeWrite, 0, 0)
		}
		if a.dropLen > 0 {
			syscall.Syscall6(syscall.SYS_FADVISE64, fd, 0, uintptr(a.dropLen), posixFadvDontneed, 0, 0)
		}
	})
}
