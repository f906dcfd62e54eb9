//go:build linux && (amd64 || arm64)

package xceiver

import (
	"os"
	"syscall"
)

const (
	syncFileRangeWrite = 2 // SYNC_FILE_RANGE_WRITE
	posixFadvWillneed  = 3 // POSIX_FADV_WILLNEED
	posixFadvDontneed  = 4 // POSIX_FADV_DONTNEED
)

// withFD runs fn on f's descriptor; failures to reach it are ignored,
// as the cache management is only advice.
func withFD(f *os.File, fn func(fd uintptr)) {
	if rc, err := f.SyscallConn(); err == nil {
		rc.Control(fn)
	}
}

func fadvise(fd uintptr, off, n int64, advice uintptr) {
	syscall.Syscall6(syscall.SYS_FADVISE64, fd, uintptr(off), uintptr(n), advice, 0, 0)
}

// apply carries the write actions out on f; failures only cost the cache
// its management, as in Hadoop, and are ignored.
func (a cacheActions) apply(f *os.File) {
	if a.syncLen == 0 && a.dropLen == 0 {
		return
	}
	withFD(f, func(fd uintptr) {
		if a.syncLen > 0 {
			syscall.Syscall6(syscall.SYS_SYNC_FILE_RANGE, fd, uintptr(a.syncOff), uintptr(a.syncLen), syncFileRangeWrite, 0, 0)
		}
		if a.dropLen > 0 {
			fadvise(fd, 0, a.dropLen, posixFadvDontneed)
		}
	})
}

// apply carries the read actions out on f, ignoring failures.
func (a readActions) apply(f *os.File) {
	if a.aheadLen == 0 && a.dropLen == 0 {
		return
	}
	withFD(f, func(fd uintptr) {
		if a.aheadLen > 0 {
			fadvise(fd, a.aheadOff, a.aheadLen, posixFadvWillneed)
		}
		if a.dropLen > 0 {
			fadvise(fd, a.dropOff, a.dropLen, posixFadvDontneed)
		}
	})
}
