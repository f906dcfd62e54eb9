package dfsio

import (
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
)

const mega = 1 << 20 // TestDFSIO's MEGA: its "MB" is a MiB

// totals are what TestDFSIO's AccumulatingReducer sums from the map tasks,
// in the Java types (float is float32) so the printed digits agree.
type totals struct {
	tasks  int64
	size   int64   // bytes
	timeMs int64   // sum of the per-file times
	rate   float32 // sum of 1000 × each file's MB/s
	sqrate float32 // sum of 1000 × each file's (MB/s)²
}

// sum totals the files as the map tasks' collectStats and the reducer do:
// each file's time in whole milliseconds, its rate in float.
func sum(files []fileResult) totals {
	var t totals
	for _, f := range files {
		ms := f.elapsed.Milliseconds()
		r := float32(f.bytes) * 1000 / float32(ms*mega)
		t.tasks++
		t.size += f.bytes
		t.timeMs += ms
		t.rate += r * 1000
		t.sqrate += r * r * 1000
	}
	return t
}

func toMB(bytes int64) float32  { return float32(bytes) / mega }
func msToSecs(ms int64) float32 { return float32(ms) / 1000 }

// resultLines are TestDFSIO's analyzeResult lines for a run of the given
// mode that finished at now and took execMs, ending with an empty line.
func resultLines(mode string, now time.Time, t totals, execMs int64) []string {
	med := t.rate / 1000 / float32(t.tasks)
	stdDev := math.Sqrt(math.Abs(float64(t.sqrate/1000/float32(t.tasks)) - float64(med)*float64(med)))
	return []string{
		"----- TestDFSIO ----- : " + mode,
		"            Date & time: " + now.Format("Mon Jan 02 15:04:05 MST 2006"), // java.util.Date.toString
		"        Number of files: " + strconv.FormatInt(t.tasks, 10),
		" Total MBytes processed: " + decimal(float64(toMB(t.size))),
		"      Throughput mb/sec: " + decimal(float64(toMB(t.size)/msToSecs(t.timeMs))),
		" Average IO rate mb/sec: " + decimal(float64(med)),
		"  IO rate std deviation: " + decimal(stdDev),
		"     Test exec time sec: " + decimal(float64(msToSecs(execMs))),
		"",
	}
}

// decimal formats x as Java's DecimalFormat("#.##"): at most two decimals,
// rounded half to even, no trailing zeros, and no integer digit when the
// integer part is zero (0.5 is ".5").
func decimal(x float64) string {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case math.IsInf(x, 1):
		return "∞"
	case math.IsInf(x, -1):
		return "-∞"
	}
	s := strconv.FormatFloat(x, 'f', 2, 64)
	s = strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if strings.HasPrefix(s, "0.") {
		s = s[1:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// writeResult prints the lines to w and appends them to the file resFile.
func writeResult(w io.Writer, resFile string, lines []string) error {
	text := strings.Join(lines, "\n") + "\n"
	io.WriteString(w, text)
	f, err := os.OpenFile(resFile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("dfsio: result file: %w", err)
	}
	if _, err := io.WriteString(f, text); err != nil {
		f.Close()
		return fmt.Errorf("dfsio: result file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("dfsio: result file: %w", err)
	}
	return nil
}
