package balancer

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Timestamp is how the balancer's table dates a line: Java's default
// medium date and time in the en_US locale ("Nov 24, 2026, 1:02:03 AM").
func Timestamp(t time.Time) string { return t.Format("Jan 2, 2006, 3:04:05 PM") }

// ByteDesc is StringUtils.byteDesc: bytes with a binary prefix and two
// decimals unless the value divides exactly ("10 GB", "1.50 MB", "512 B").
func ByteDesc(n int64) string {
	if n < 0 {
		return "-" + ByteDesc(-n)
	}
	if n < 1024 {
		return strconv.FormatInt(n, 10) + " B"
	}
	const prefixes = "KMGTPE"
	i := 0
	for i+1 < len(prefixes) && n>>(10*(i+2)) != 0 {
		i++
	}
	for {
		unit := int64(1) << (10 * (i + 1))
		if n%unit == 0 {
			return fmt.Sprintf("%d %cB", n/unit, prefixes[i])
		}
		s := fmt.Sprintf("%.2f", float64(n)/float64(unit))
		if strings.HasPrefix(s, "1024") && i+1 < len(prefixes) {
			i++
			continue
		}
		return s + " " + string(prefixes[i]) + "B"
	}
}

// Duration is Balancer.time2Str: milliseconds, seconds, minutes or hours,
// as a Java double ("523.0 milliseconds", "9.123 seconds").
func Duration(d time.Duration) string {
	t, unit := float64(d.Milliseconds()), "milliseconds"
	if t >= 1000 {
		t, unit = t/1000, "seconds"
		if t >= 60 {
			t, unit = t/60, "minutes"
			if t >= 60 {
				t, unit = t/60, "hours"
			}
		}
	}
	return javaDouble(t) + " " + unit
}

// javaDouble is Double.toString for values written without an exponent.
func javaDouble(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}
