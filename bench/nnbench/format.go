package nnbench

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// stats are one op's totals, in milliseconds as Java's Time.now() counts.
type stats struct {
	ops        int   // operations executed
	cumulative int64 // sum of the single calls' times
	elapsed    int64 // from the threads' start to the last one's end
}

func (s stats) average() int64 {
	if s.ops == 0 {
		return 0
	}
	return s.cumulative / int64(s.ops)
}

func (s stats) opsPerSecond() float64 {
	if s.elapsed == 0 {
		return 0
	}
	return 1000 * float64(s.ops) / float64(s.elapsed)
}

// printResults writes one op's block as NNThroughputBenchmark logs it:
// a blank line, the inputs, then the stats.
func printResults(w io.Writer, s spec, st stats) {
	fmt.Fprintln(w)
	fmt.Fprintf(w, "--- %s inputs ---\n", s.name)
	switch s.name {
	case opMkdirs:
		fmt.Fprintf(w, "nrDirs = %d\nnrThreads = %d\nnrDirsPerDir = %d\n", s.ops, s.threads, s.perDir)
	case opClean:
		fmt.Fprintf(w, "Remove directory %s\n", s.baseDirName)
	default:
		fmt.Fprintf(w, "nrFiles = %d\nnrThreads = %d\nnrFilesPerDir = %d\n", s.ops, s.threads, s.perDir)
	}
	fmt.Fprintf(w, "--- %s stats  ---\n", s.name)
	fmt.Fprintf(w, "# operations: %d\n", st.ops)
	fmt.Fprintf(w, "Elapsed Time: %d\n", st.elapsed)
	fmt.Fprintf(w, " Ops per sec: %s\n", javaDouble(st.opsPerSecond()))
	fmt.Fprintf(w, "Average Time: %d\n", st.average())
}

// javaDouble formats v as Java's Double.toString: the shortest digits that
// read back as v, at least one digit after the point, and computerized
// scientific notation ("1.0E7") outside [1e-3, 1e7).
func javaDouble(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "Infinity"
	case math.IsInf(v, -1):
		return "-Infinity"
	case v == 0:
		if math.Signbit(v) {
			return "-0.0"
		}
		return "0.0"
	}
	if a := math.Abs(v); a >= 1e-3 && a < 1e7 {
		s := strconv.FormatFloat(v, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	mant, exp, _ := strings.Cut(strconv.FormatFloat(v, 'e', -1, 64), "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e)
}
