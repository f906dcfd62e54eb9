package editlog

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Java strings are sequences of UTF-16 code units and may hold unpaired
// surrogates. Go strings here are UTF-8, with an unpaired surrogate written
// as its generalized 3-byte form (ED A0..BF xx), so every Java string has
// exactly one Go spelling and converts back unchanged.

// maxUTF8Chars is the longest string, in UTF-16 units, Hadoop's UTF8 class
// writes; it silently truncates longer ones, this package refuses them.
const maxUTF8Chars = 0xffff / 3

// utf16Units returns the UTF-16 code units of s.
func utf16Units(s string) []uint16 {
	units := make([]uint16, 0, len(s))
	for i := 0; i < len(s); {
		cp, n := decodeCodePoint(s[i:])
		if cp >= 0xd800 && cp <= 0xdfff {
			units = append(units, uint16(cp))
		} else {
			units = utf16.AppendRune(units, rune(cp))
		}
		i += n
	}
	return units
}

// decodeCodePoint decodes one code point of s, accepting the 3-byte form of
// a lone surrogate; invalid bytes decode as U+FFFD.
func decodeCodePoint(s string) (cp int, n int) {
	r, n := utf8.DecodeRuneInString(s)
	if r != utf8.RuneError || n != 1 {
		return int(r), n
	}
	if len(s) >= 3 && s[0] == 0xed && s[1]&0xe0 == 0xa0 && s[2]&0xc0 == 0x80 {
		return 0xd000 | int(s[1]&0x3f)<<6 | int(s[2]&0x3f), 3
	}
	return utf8.RuneError, 1
}

// stringFromUnits is the inverse of utf16Units.
func stringFromUnits(units []uint16) string {
	var b strings.Builder
	b.Grow(len(units))
	for i := 0; i < len(units); i++ {
		u := rune(units[i])
		if utf16.IsSurrogate(u) && i+1 < len(units) {
			if r := utf16.DecodeRune(u, rune(units[i+1])); r != utf8.RuneError {
				b.WriteRune(r)
				i++
				continue
			}
		}
		writeCodePoint(&b, int(u))
	}
	return b.String()
}

func writeCodePoint(b *strings.Builder, cp int) {
	if cp < 0xd800 || cp > 0xdfff {
		b.WriteRune(rune(cp))
		return
	}
	b.WriteByte(0xed)
	b.WriteByte(byte(0x80 | cp>>6&0x3f))
	b.WriteByte(byte(0x80 | cp&0x3f))
}

func isASCII[T string | []byte](b T) bool {
	for i := 0; i < len(b); i++ {
		if b[i] >= 0x80 {
			return false
		}
	}
	return true
}

// decodeHadoopUTF8 decodes the bytes of a Hadoop UTF8 / DeprecatedUTF8
// value the way UTF8.readChars does: 1-, 2-, 3- and 4-byte sequences by
// their lead byte, continuation bytes taken as they are.
func decodeHadoopUTF8(b []byte) (string, error) {
	if isASCII(b) {
		return string(b), nil
	}
	units := make([]uint16, 0, len(b))
	for i := 0; i < len(b); {
		c, need := b[i], 0
		switch {
		case c&0x80 == 0:
		case c&0xe0 == 0xc0:
			need = 1
		case c&0xf0 == 0xe0:
			need = 2
		case c&0xf8 == 0xf0:
			need = 3
		default:
			return "", fmt.Errorf("invalid UTF8 lead byte %#02x at %d", c, i)
		}
		if i+need >= len(b) && need > 0 {
			return "", fmt.Errorf("truncated UTF8 sequence at %d", i)
		}
		units = appendHadoopChar(units, b[i:i+1+need])
		i += 1 + need
	}
	return stringFromUnits(units), nil
}

func appendHadoopChar(units []uint16, seq []byte) []uint16 {
	switch len(seq) {
	case 1:
		return append(units, uint16(seq[0]))
	case 2:
		return append(units, uint16(seq[0]&0x1f)<<6|uint16(seq[1]&0x3f))
	case 3:
		return append(units, uint16(seq[0]&0x0f)<<12|uint16(seq[1]&0x3f)<<6|uint16(seq[2]&0x3f))
	}
	cp := int(seq[0]&0x07)<<18 | int(seq[1]&0x3f)<<12 | int(seq[2]&0x3f)<<6 | int(seq[3]&0x3f)
	return append(units, uint16((cp>>10)+0xd7c0), uint16(cp&0x3ff+0xdc00))
}

// appendHadoopUTF8 encodes s as UTF8.writeChars does (every UTF-16 unit as
// 1 to 3 bytes) and returns the result without a length prefix.
func appendHadoopUTF8(dst []byte, s string) ([]byte, error) {
	if isASCII(s) {
		if len(s) > maxUTF8Chars {
			return dst, fmt.Errorf("%w: string of %d chars is longer than %d",
				ErrNotWritable, len(s), maxUTF8Chars)
		}
		return append(dst, s...), nil
	}
	units := utf16Units(s)
	if len(units) > maxUTF8Chars {
		return dst, fmt.Errorf("%w: string of %d chars is longer than %d",
			ErrNotWritable, len(units), maxUTF8Chars)
	}
	for _, u := range units {
		switch {
		case u <= 0x7f:
			dst = append(dst, byte(u))
		case u <= 0x7ff:
			dst = append(dst, byte(0xc0|u>>6&0x1f), byte(0x80|u&0x3f))
		default:
			dst = append(dst, byte(0xe0|u>>12&0x0f), byte(0x80|u>>6&0x3f), byte(0x80|u&0x3f))
		}
	}
	return dst, nil
}

// standardUTF8 is what Java's UTF-8 encoders (Text, protobuf) make of a
// string: unpaired surrogates (and, here, invalid bytes) become '?'.
func standardUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		cp, n := decodeCodePoint(s[i:])
		if (cp >= 0xd800 && cp <= 0xdfff) || (cp == utf8.RuneError && n == 1) {
			b.WriteByte('?')
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// javaHash is String.hashCode.
func javaHash(s string) int32 {
	var h int32
	for _, u := range utf16Units(s) {
		h = 31*h + int32(u)
	}
	return h
}

// javaTrim is String.trim: it drops chars <= ' ' at both ends.
func javaTrim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
}

// mustMangle reports whether XMLUtils.mangleXmlString escapes a code point:
// chars XML cannot carry, and the backslash that starts every escape.
func mustMangle(cp int) bool {
	switch {
	case cp < 0x20:
		return cp != 0x9 && cp != 0xa && cp != 0xd
	case cp >= 0xd800 && cp <= 0xdfff, cp == 0xfffe, cp == 0xffff:
		return true
	}
	return cp == '\\'
}

// mangle is XMLUtils.mangleXmlString without entity references: every code
// point XML cannot carry becomes \XXXX; (four lower-case hex digits).
func mangle(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		cp, n := decodeCodePoint(s[i:])
		if mustMangle(cp) {
			fmt.Fprintf(&b, "\\%04x;", cp)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// unmangle is XMLUtils.unmangleXmlString without entity references.
func unmangle(s string) (string, error) {
	if !strings.Contains(s, "\\") {
		return s, nil
	}
	units := make([]uint16, 0, len(s))
	for len(s) > 0 {
		i := strings.IndexByte(s, '\\')
		if i < 0 {
			units = append(units, utf16Units(s)...)
			break
		}
		units = append(units, utf16Units(s[:i])...)
		if len(s) < i+6 || s[i+5] != ';' {
			return "", fmt.Errorf("%w: unterminated escape in %q", ErrXML, s[i:])
		}
		cp, err := strconv.ParseUint(s[i+1:i+5], 16, 16)
		if err != nil {
			return "", fmt.Errorf("%w: bad escape %q", ErrXML, s[i:i+6])
		}
		units = append(units, uint16(cp))
		s = s[i+6:]
	}
	return stringFromUnits(units), nil
}
