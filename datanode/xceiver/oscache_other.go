//go:build !linux || !(amd64 || arm64)

package xceiver

import "os"

// apply does nothing where sync_file_range and posix_fadvise are missing.
func (a cacheActions) apply(*os.File) {}

// apply does nothing where posix_fadvise is missing.
func (a readActions) apply(*os.File) {}
