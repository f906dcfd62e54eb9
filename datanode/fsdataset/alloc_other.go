//go:build !linux

package fsdataset

import (
	"errors"
	"os"
)

func allocateKeepSize(*os.File, int64, int64) error {
	return errors.New("fsdataset: preallocation is not supported on this platform")
}
