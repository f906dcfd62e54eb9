//go:build !unix

package fsdataset

import "errors"

func statfs(dir string) (Usage, error) {
	return Usage{}, errors.New("fsdataset: file system usage is not supported on this platform")
}

func linkCount(fi interface{ Sys() any }) uint64 { return 1 }
