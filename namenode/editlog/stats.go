package editlog

import (
	"fmt"
	"strings"
)

// Stats counts ops by opcode, as `hdfs oev -p stats` does
// (StatisticsEditsVisitor).
type Stats struct {
	LayoutVersion int32
	Counts        [256]int64
}

// NewStats returns empty counts for a segment of layout version lv.
func NewStats(lv int32) *Stats { return &Stats{LayoutVersion: lv} }

// Add counts one op.
func (s *Stats) Add(op *Op) { s.Counts[op.Code]++ }

// String is the statistics table exactly as Hadoop prints it: the version,
// then every opcode in FSEditLogOpCodes order with its number and count.
func (s *Stats) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "    %-30.30s      : %d\n", "VERSION", s.LayoutVersion)
	for _, c := range statsOrder() {
		fmt.Fprintf(&b, "    %-30.30s (%3d): %d\n", c.String(), int8(c), s.Counts[c])
	}
	return b.String()
}
