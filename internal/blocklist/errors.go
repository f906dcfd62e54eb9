package blocklist

import "errors"

// Errors of the decoders; each is wrapped with the detail.
var (
	ErrTruncated    = errors.New("blocklist: truncated block list")
	ErrCount        = errors.New("blocklist: block count does not fit the data")
	ErrBadState     = errors.New("blocklist: unknown replica state")
	ErrBadDelimiter = errors.New("blocklist: invalid delimiter block")
	ErrMixed        = errors.New("blocklist: both a blocks list and buffers")
)
