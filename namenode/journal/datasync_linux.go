package journal

import (
	"os"
	"syscall"
)

// dataSync makes f's bytes durable without its metadata when f is an OS
// file (fdatasync, what Hadoop's FileChannel.force(false) does); the
// caller has already synced any change of size. Other files get Sync.
func dataSync(f interface{ Sync() error }) error {
	if of, ok := f.(*os.File); ok {
		for {
			err := syscall.Fdatasync(int(of.Fd()))
			if err != syscall.EINTR {
				if err != nil {
					return &os.PathError{Op: "fdatasync", Path: of.Name(), Err: err}
				}
				return nil
			}
		}
	}
	return f.Sync()
}
