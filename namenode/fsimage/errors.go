package fsimage

import (
	"errors"
	"fmt"
)

// Sentinel errors. Errors returned by this package wrap one of these and
// name the image they concern.
var (
	// ErrNotImage: the file does not start with "HDFSIMG1" and is not a
	// legacy image either.
	ErrNotImage = errors.New("fsimage: not an fsimage")
	// ErrLegacyImage: a pre-protobuf image (FSImageFormat, layout version
	// -51 or older), which this package does not load.
	ErrLegacyImage = errors.New("fsimage: pre-protobuf image")
	// ErrCorrupt: the image's bytes do not follow the format.
	ErrCorrupt = errors.New("fsimage: corrupt image")
	// ErrChecksum: the image does not match its .md5 file.
	ErrChecksum = errors.New("fsimage: MD5 mismatch")
	// ErrUnsupported: a valid image this package cannot read (a newer
	// layout, an unknown on-disk version, a compression codec other than
	// zlib or gzip).
	ErrUnsupported = errors.New("fsimage: unsupported image")
	// ErrInvalid: a caller handed the Writer or an oiv processor something
	// Hadoop would not write or accept.
	ErrInvalid = errors.New("fsimage: invalid input")
)

// corruptf returns an ErrCorrupt error about the named image.
func corruptf(name, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrCorrupt, name, fmt.Sprintf(format, args...))
}

// invalidf returns an ErrInvalid error.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}
