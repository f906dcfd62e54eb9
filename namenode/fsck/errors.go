package fsck

import "errors"

// errRefused is an option hdfsd does not run (-move, -delete, -replicate).
var errRefused = errors.New("fsck: refused")
