package namespace

import (
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// Path strings reach Hadoop as Java Strings: protobuf decodes a string
// field's bytes as UTF-8, replacing each malformed sequence with U+FFFD,
// and the NameNode re-encodes names as UTF-8. javaString does the same to
// a Go string, so that "\xff" names the same file here as there. It
// replaces a maximal ill-formed subpart (Unicode 3.9, D93b; what Java's
// decoder does) with one U+FFFD.
func javaString(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r != utf8.RuneError || n > 1 {
			b.WriteString(s[i : i+n])
			i += n
			continue
		}
		b.WriteRune(utf8.RuneError)
		i += illFormedPrefix(s[i:])
	}
	return b.String()
}

// illFormedPrefix returns the length of the maximal ill-formed subpart at
// the start of s: a lead byte followed by the continuation bytes that
// could still have completed it.
func illFormedPrefix(s string) int {
	lo, hi, need := leadRange(s[0])
	n := 1
	for ; n <= need && n < len(s); n++ {
		c := s[n]
		if c < lo || c > hi {
			break
		}
		lo, hi = 0x80, 0xBF
	}
	return n
}

// leadRange gives, for a lead byte, the allowed range of the second byte
// and the number of continuation bytes (Unicode Table 3-7).
func leadRange(c byte) (lo, hi byte, need int) {
	switch {
	case c >= 0xC2 && c <= 0xDF:
		return 0x80, 0xBF, 1
	case c == 0xE0:
		return 0xA0, 0xBF, 2
	case c == 0xED:
		return 0x80, 0x9F, 2
	case c >= 0xE1 && c <= 0xEF:
		return 0x80, 0xBF, 2
	case c == 0xF0:
		return 0x90, 0xBF, 3
	case c >= 0xF1 && c <= 0xF3:
		return 0x80, 0xBF, 3
	case c == 0xF4:
		return 0x80, 0x8F, 3
	}
	return 0, 0, 0
}

// isValidName is DFSUtilClient.isValidName: absolute, no "." or ".."
// component (".." is allowed under /.reserved/.inodes), no ':', and no
// empty component except trailing ones.
func isValidName(src string) bool {
	if !strings.HasPrefix(src, "/") {
		return false
	}
	parts := strings.Split(src, "/")
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	for i, e := range parts {
		switch {
		case e == "." || strings.Contains(e, ":"):
			return false
		case e == "..":
			if len(parts) > 4 && parts[1] == dotReserved && parts[2] == dotInodes {
				continue
			}
			return false
		case e == "" && i != 0:
			return false
		}
	}
	return true
}

// components splits an absolute path as DFSUtil.getPathComponents: the
// first component is the root's empty name, runs of '/' count as one and a
// trailing '/' is dropped.
//
// The components are read-only views of p's bytes (no copy): nothing in
// the package writes into a component.
func components(p string) [][]byte {
	b := unsafe.Slice(unsafe.StringData(p), len(p))
	out := make([][]byte, 1, 1+countComponents(p))
	out[0] = []byte{}
	for i := 0; i < len(b); {
		for i < len(b) && b[i] == '/' {
			i++
		}
		j := i
		for j < len(b) && b[j] != '/' {
			j++
		}
		if j > i {
			out = append(out, b[i:j:j])
		}
		i = j
	}
	return out
}

// countComponents is len(components(p))-1, without allocating.
func countComponents(p string) int {
	n := 0
	for i := 0; i < len(p); i++ {
		if p[i] != '/' && (i == 0 || p[i-1] == '/') {
			n++
		}
	}
	return n
}

// joinPath is DFSUtil.byteArray2PathString(comps, from, n): "/" for the
// root alone, "/a/b" for an absolute run, "a/b" for one that does not
// start at the root, "" for none.
func joinPath(comps [][]byte, from, n int) string {
	if n <= 0 {
		return ""
	}
	if from == 0 && n == 1 {
		return "/"
	}
	var b strings.Builder
	if from == 0 { // absolute: comps[0] is the root's empty name
		for i := 1; i < n; i++ {
			b.WriteByte('/')
			b.Write(comps[i])
		}
		return b.String()
	}
	for i := from; i < from+n; i++ {
		if i > from {
			b.WriteByte('/')
		}
		b.Write(comps[i])
	}
	return b.String()
}

// compareNames orders names as Hadoop orders a directory's children:
// lexicographically by signed bytes (Guava SignedBytes), so names with
// non-ASCII UTF-8 sort before ASCII ones.
func compareNames(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			if int8(a[i]) < int8(b[i]) {
				return -1
			}
			return 1
		}
	}
	return len(a) - len(b)
}

// Reserved names.
const (
	dotReserved  = ".reserved"
	dotInodes    = ".inodes"
	dotRaw       = "raw"
	dotSnapshot  = ".snapshot"
	reservedPath = "/" + dotReserved
)

func isReservedComps(c [][]byte) bool {
	return len(c) > 1 && len(c[0]) == 0 && string(c[1]) == dotReserved
}

func isExactReservedComps(c [][]byte) bool { return len(c) == 2 && isReservedComps(c) }

func isReservedRawComps(c [][]byte) bool {
	return len(c) > 2 && isReservedComps(c) && string(c[2]) == dotRaw
}

// Hadoop's string forms of the same tests (FSDirectory.isReservedName etc.).
func isExactReservedName(src string) bool { return src == reservedPath }
func isReservedName(src string) bool      { return strings.HasPrefix(src, reservedPath+"/") }
func isReservedRawName(src string) bool   { return strings.HasPrefix(src, reservedPath+"/"+dotRaw) }
func isReservedInodesName(src string) bool {
	return strings.HasPrefix(src, reservedPath+"/"+dotInodes)
}

// Limits NameNodeRpcServer.checkPathLength applies to the paths of create,
// mkdirs, rename and createSymlink.
const (
	maxPathLength = 8000
	maxPathDepth  = 1000
)

// checkPathLength is NameNodeRpcServer.checkPathLength together with the
// Path constructor's own failures. tooLong is the message for a path over
// the limits.
func checkPathLength(src, tooLong string) error {
	if src == "" {
		return failMsg(ErrIllegalArgument, "Can not create a Path from an empty string")
	}
	colon, slash := strings.IndexByte(src, ':'), strings.IndexByte(src, '/')
	if colon > 0 && (slash < 0 || colon < slash) && !strings.HasPrefix(src[colon+1:], "/") {
		return failMsg(ErrIllegalArgument,
			"java.net.URISyntaxException: Relative path in absolute URI: "+src)
	}
	if utf16Len(src) > maxPathLength || countComponents(src) > maxPathDepth {
		return failMsg(ErrIO, tooLong)
	}
	return nil
}

func pathTooLong(op string) string {
	return op + ": Pathname too long.  Limit " + strconv.Itoa(maxPathLength) +
		" characters, " + strconv.Itoa(maxPathDepth) + " levels."
}

// utf16Len is Java's String.length() of s.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

// parseJavaLong is Long.parseLong for ASCII digits with an optional sign.
func parseJavaLong(s string) (int64, bool) {
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil
}
