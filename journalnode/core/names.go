package core

import (
	"fmt"
	"strconv"
)

func pad19(n int64) string { return fmt.Sprintf("%019d", n) }

func boolString(b bool) string { return strconv.FormatBool(b) }

// editsName is the file name of a segment.
func editsName(s Segment) string {
	if s.InProgress {
		return "edits_inprogress_" + pad19(s.Start)
	}
	return "edits_" + pad19(s.Start) + "-" + pad19(s.End)
}
