package fsimage

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Small pieces of Java behaviour that the viewers' output depends on.

// javaString decodes bytes as Java's new String(bytes, UTF_8) does
// (ByteString.toStringUtf8): each malformed sequence becomes one U+FFFD.
// A sequence is malformed at the first byte that cannot continue it (its
// maximal valid prefix is replaced as a unit), and an encoded surrogate
// (ED A0..BF xx) is replaced whole.
func javaString(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			sb.WriteByte(b[i])
			i++
			continue
		}
		n, ok := javaUTF8Seq(b[i:])
		if ok {
			sb.Write(b[i : i+n])
		} else {
			sb.WriteRune(utf8.RuneError)
		}
		i += n
	}
	return sb.String()
}

// javaUTF8Seq returns the length of the sequence at the start of b and
// whether it is well formed.
func javaUTF8Seq(b []byte) (int, bool) {
	cont := func(i int) bool { return i < len(b) && b[i]&0xc0 == 0x80 }
	c := b[0]
	switch {
	case c >= 0xc2 && c <= 0xdf:
		if cont(1) {
			return 2, true
		}
		return 1, false
	case c >= 0xe0 && c <= 0xef:
		if !cont(1) || c == 0xe0 && b[1] < 0xa0 {
			return 1, false
		}
		if !cont(2) {
			return 2, false
		}
		return 3, !(c == 0xed && b[1] >= 0xa0)
	case c >= 0xf0 && c <= 0xf4:
		lo, hi := byte(0x80), byte(0xbf)
		if c == 0xf0 {
			lo = 0x90
		} else if c == 0xf4 {
			hi = 0x8f
		}
		if !cont(1) || b[1] < lo || b[1] > hi {
			return 1, false
		}
		if !cont(2) {
			return 2, false
		}
		if !cont(3) {
			return 3, false
		}
		return 4, true
	}
	return 1, false
}

// javaStr is javaString for proto string fields, which may hold any bytes.
func javaStr(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return javaString([]byte(s))
}

// mangleXML is XMLUtils.mangleXmlString(s, true): code points XML cannot
// carry, and the backslash, become "\XXXX;"; & " ' < > become entities.
func mangleXML(s string) string {
	var sb strings.Builder
	for _, r := range s {
		switch {
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r',
			r > 0xd7ff && r < 0xe000, r == 0xfffe, r == 0xffff, r == '\\':
			fmt.Fprintf(&sb, "\\%04x;", r)
		case r == '&':
			sb.WriteString("&amp;")
		case r == '"':
			sb.WriteString("&quot;")
		case r == '\'':
			sb.WriteString("&apos;")
		case r == '<':
			sb.WriteString("&lt;")
		case r == '>':
			sb.WriteString("&gt;")
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// unmangleXML is XMLUtils.unmangleXmlString(s, false). A lone surrogate
// becomes '?', which is what Java's UTF-8 encoder makes of it.
func unmangleXML(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			sb.WriteByte(s[i])
			continue
		}
		if len(s)-i < 6 {
			return "", errors.New("unterminated code point escape: string broke off in the middle")
		}
		if s[i+5] != ';' {
			return "", errors.New("unterminated code point escape: expected semicolon at end")
		}
		cp, err := strconv.ParseInt(s[i+1:i+5], 16, 32)
		if err != nil || cp < 0 {
			return "", fmt.Errorf("error parsing unmangling escape code %q", s[i+1:i+5])
		}
		if cp >= 0xd800 && cp < 0xe000 {
			sb.WriteByte('?')
		} else {
			sb.WriteRune(rune(cp))
		}
		i += 5
	}
	return sb.String(), nil
}

// javaHashOrder returns the order in which a java.util.HashMap whose table
// starts with the given capacity (16 for new HashMap(), tableSizeFor(n)
// for new HashMap(n)) iterates over keys inserted in the given order
// (duplicates keep their first position): by bucket of the final table,
// then by insertion. The table doubles whenever its size exceeds three
// quarters of its capacity.
func javaHashOrder(keys []string, capacity int) []int {
	seen := map[string]bool{}
	var order []int
	for i, k := range keys {
		if seen[k] {
			continue
		}
		seen[k] = true
		order = append(order, i)
		if len(order) > capacity*3/4 {
			capacity <<= 1
		}
	}
	bucket := func(k string) uint32 {
		h := javaHash(k)
		return (h ^ h>>16) & uint32(capacity-1)
	}
	buckets := make([]uint32, len(keys))
	for _, i := range order {
		buckets[i] = bucket(keys[i])
	}
	sort.SliceStable(order, func(a, b int) bool { return buckets[order[a]] < buckets[order[b]] })
	return order
}

// javaHash is String.hashCode over UTF-16 code units.
func javaHash(s string) uint32 {
	var h uint32
	for _, u := range utf16.Encode([]rune(s)) {
		h = 31*h + uint32(u)
	}
	return h
}

// isoDate formats milliseconds since the epoch as the XML viewer's
// SimpleDateFormat "yyyy-MM-dd'T'HH:mm:ss.SSS" in UTC.
func isoDate(ms int64) string {
	t := time.UnixMilli(ms).UTC()
	return fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02d.%03d", t.Year(), int(t.Month()), t.Day(),
		t.Hour(), t.Minute(), t.Second(), t.Nanosecond()/1e6)
}

// parseISODate parses what isoDate writes, leniently like SimpleDateFormat
// (out-of-range fields roll over; trailing text is ignored).
func parseISODate(s string) (int64, error) {
	var y, mo, d, h, mi, sec, ms int
	if _, err := fmt.Sscanf(s, "%d-%d-%dT%d:%d:%d.%d", &y, &mo, &d, &h, &mi, &sec, &ms); err != nil {
		return 0, fmt.Errorf("failed to parse ISO date string %s", s)
	}
	return time.Date(y, time.Month(mo), d, h, mi, sec, 0, time.UTC).UnixMilli() + int64(ms), nil
}

// minuteDate formats like the Delimited viewer's "yyyy-MM-dd HH:mm".
func minuteDate(ms int64, loc *time.Location) string {
	t := time.UnixMilli(ms).In(loc)
	return fmt.Sprintf("%04d-%02d-%02d %02d:%02d", t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute())
}

// escapeCSV is commons-text StringEscapeUtils.escapeCsv: a field holding a
// comma, a quote, CR or LF is quoted, with quotes doubled.
func escapeCSV(s string) string {
	if !strings.ContainsAny(s, ",\"\r\n") {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
