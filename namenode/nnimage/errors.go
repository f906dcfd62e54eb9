package nnimage

import "errors"

// ErrUnsupported marks an image that holds what the namespace cannot
// represent yet (snapshots, erasure coding, storage-type quotas). Such an
// image is refused whole.
var ErrUnsupported = errors.New("nnimage: not supported yet")

// ErrCorrupt marks an image whose sections contradict each other or refer
// to strings or inodes that do not exist.
var ErrCorrupt = errors.New("nnimage: corrupt image")
