package editlog

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// stanza is one element of a record's <DATA>, as Hadoop's XMLUtils.Stanza
// holds it: its text (unmangled, trimmed) and its children by name.
type stanza struct {
	value    string
	children map[string][]*stanza
}

func (s *stanza) add(name string, child *stanza) {
	if s.children == nil {
		s.children = make(map[string][]*stanza)
	}
	s.children[name] = append(s.children[name], child)
}

func (s *stanza) has(tag string) bool { return len(s.children[tag]) > 0 }

// xmlParser reads typed values out of stanzas. The first error sticks.
type xmlParser struct{ err error }

func (p *xmlParser) fail(format string, args ...any) {
	if p.err == nil {
		p.err = fmt.Errorf("%w: "+format, append([]any{ErrXML}, args...)...)
	}
}

// list returns every child named tag; it is an error if there is none.
func (p *xmlParser) list(s *stanza, tag string) []*stanza {
	l := s.children[tag]
	if len(l) == 0 {
		p.fail("no entry found for %s", tag)
	}
	return l
}

// one returns the single child named tag.
func (p *xmlParser) one(s *stanza, tag string) *stanza {
	l := p.list(s, tag)
	if len(l) > 1 {
		p.fail("more than one value found for %s", tag)
	}
	if len(l) == 0 {
		return &stanza{}
	}
	return l[0]
}

func (p *xmlParser) str(s *stanza, tag string) string { return p.one(s, tag).value }

// optStr returns the child's text, or "" if there is no such child.
func (p *xmlParser) optStr(s *stanza, tag string) (string, bool) {
	if !s.has(tag) {
		return "", false
	}
	return p.str(s, tag), true
}

// int parses a decimal number of the given width, as Long/Integer/Short/
// Byte.parseX do (optional sign, no spaces).
func (p *xmlParser) int(s *stanza, tag string, bits int) int64 {
	v := p.str(s, tag)
	if p.err != nil {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, bits)
	if err != nil {
		p.fail("%s: %q is not a %d-bit integer", tag, v, bits)
	}
	return n
}

// bool is Boolean.parseBoolean: "true" in any case is true, anything else
// false.
func (p *xmlParser) bool(s *stanza, tag string) bool {
	return strings.EqualFold(p.str(s, tag), "true")
}

// hexBytes decodes Commons Codec's Hex.encodeHexString output.
func (p *xmlParser) hexBytes(what, v string) []byte {
	b, err := hex.DecodeString(v)
	if err != nil {
		p.fail("%s: %q is not hex: %v", what, v, err)
	}
	return b
}
