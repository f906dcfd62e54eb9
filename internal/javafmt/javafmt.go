// Package javafmt formats numbers and dates the way Hadoop's Java tools
// print them, where Go's formatting differs.
package javafmt

import (
	"strconv"
	"strings"
	"time"
)

// Date formats t as java.util.Date.toString does in t's zone:
// "Mon Nov 23 10:53:40 UTC 2026". A zone without an abbreviation prints
// as Java's "GMT+05:30".
func Date(t time.Time) string {
	zone, _ := t.Zone()
	if zone == "" || zone[0] == '+' || zone[0] == '-' {
		zone = "GMT" + t.Format("-07:00")
		if zone == "GMT+00:00" {
			zone = "GMT"
		}
	}
	return t.Format("Mon Jan 02 15:04:05 ") + zone + t.Format(" 2006")
}

// ByteDesc is StringUtils.byteDesc: a size with a binary prefix and two
// decimals ("1.50 MB"), exact multiples without decimals ("2 MB"), small
// values in bytes ("512 B").
func ByteDesc(n int64) string {
	const prefixes = "KMGTPE"
	if n == -1<<63 {
		return "-8 EB"
	}
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	if n < 1024 {
		return sign + strconv.FormatInt(n, 10) + " B"
	}
	i := 0
	for i < len(prefixes) && n >= int64(1)<<(10*(i+1)) {
		i++
	}
	shift := 10 * i
	if n&(int64(1)<<shift-1) == 0 {
		return sign + strconv.FormatInt(n>>shift, 10) + " " + prefixes[i-1:i] + "B"
	}
	s := Fixed2(float64(n) / float64(int64(1)<<shift))
	if strings.HasPrefix(s, "1024") && i < len(prefixes) {
		i++
		s = Fixed2(float64(n) / float64(int64(1)<<(10*i)))
	}
	return sign + s + " " + prefixes[i-1:i] + "B"
}

// Fixed2 is String.format("%.2f", x): Java rounds the shortest decimal
// form of x half-up, where Go would round the exact binary value
// half-even.
func Fixed2(x float64) string {
	sign := ""
	if x < 0 {
		sign, x = "-", -x
	}
	s := strconv.FormatFloat(x, 'f', -1, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	frac += "000"
	digits := []byte(intPart + frac[:2])
	if frac[2] >= '5' {
		i := len(digits) - 1
		for ; i >= 0 && digits[i] == '9'; i-- {
			digits[i] = '0'
		}
		if i < 0 {
			digits = append([]byte{'1'}, digits...)
		} else {
			digits[i]++
		}
	}
	return sign + string(digits[:len(digits)-2]) + "." + string(digits[len(digits)-2:])
}
