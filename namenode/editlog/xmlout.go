package editlog

import (
	"bytes"
	"strconv"
	"strings"
)

// xmlOut writes XML laid out exactly as the JDK's XSLT serializer does for
// `hdfs oev -p xml` (indent="yes", indent-amount 2, UTF-8, standalone):
// every element on its own line, an element holding only text kept on one
// line, an empty element as <TAG/>.
type xmlOut struct {
	w       *bytes.Buffer
	depth   int
	pending bool // a start tag is open: ">" or "/>" not yet written
	err     error
}

const xmlDeclaration = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`

func (x *xmlOut) fail(err error) {
	if x.err == nil {
		x.err = err
	}
}

func (x *xmlOut) newline() {
	if x.pending {
		x.w.WriteByte('>')
		x.pending = false
	}
	x.w.WriteByte('\n')
	for range x.depth {
		x.w.WriteString("  ")
	}
}

// open starts an element that will hold child elements.
func (x *xmlOut) open(tag string) {
	x.newline()
	x.w.WriteString("<" + tag)
	x.pending = true
	x.depth++
}

// close ends the innermost element opened with open.
func (x *xmlOut) close(tag string) {
	x.depth--
	if x.pending {
		x.w.WriteString("/>")
		x.pending = false
		return
	}
	x.newline()
	x.w.WriteString("</" + tag + ">")
}

// leaf writes an element holding text, mangled as XMLUtils.addSaxString
// does and escaped as the serializer does.
func (x *xmlOut) leaf(tag, text string) {
	x.newline()
	if text == "" {
		x.w.WriteString("<" + tag + "/>")
		return
	}
	x.w.WriteString("<" + tag + ">")
	writeEscaped(x.w, mangle(text))
	x.w.WriteString("</" + tag + ">")
}

func (x *xmlOut) leafInt(tag string, v int64) { x.leaf(tag, strconv.FormatInt(v, 10)) }

func (x *xmlOut) leafBool(tag string, v bool) { x.leaf(tag, strconv.FormatBool(v)) }

// writeEscaped escapes character data as the JDK serializer's ToStream
// does: markup characters as entities, CR, the C1 controls and U+2028 as
// numeric references.
func writeEscaped(w *bytes.Buffer, s string) {
	if !strings.ContainsFunc(s, needsEscape) {
		w.WriteString(s)
		return
	}
	for _, r := range s {
		switch {
		case r == '&':
			w.WriteString("&amp;")
		case r == '<':
			w.WriteString("&lt;")
		case r == '>':
			w.WriteString("&gt;")
		case r == '\r' || (r >= 0x7f && r <= 0x9f) || r == 0x2028:
			w.WriteString("&#" + strconv.Itoa(int(r)) + ";")
		default:
			w.WriteRune(r)
		}
	}
}

func needsEscape(r rune) bool {
	return r == '&' || r == '<' || r == '>' || r == '\r' ||
		(r >= 0x7f && r <= 0x9f) || r == 0x2028
}
