package storage

import (
	"fmt"
	"unicode/utf16"
)

// Properties is a Java properties file: keys and values in the order they
// were set (a later Set of a key keeps its first place, as a Java map
// would).
type Properties struct {
	keys   []string
	values map[string]string
}

// NewProperties returns an empty set.
func NewProperties() *Properties { return &Properties{values: map[string]string{}} }

// Set sets key to value.
func (p *Properties) Set(key, value string) {
	if _, ok := p.values[key]; !ok {
		p.keys = append(p.keys, key)
	}
	p.values[key] = value
}

// Get returns the value of key.
func (p *Properties) Get(key string) (string, bool) {
	v, ok := p.values[key]
	return v, ok
}

// Keys returns the keys in the order they were first set (for a parsed
// file, the order they appear in it).
func (p *Properties) Keys() []string { return append([]string(nil), p.keys...) }

// Len returns the number of keys.
func (p *Properties) Len() int { return len(p.keys) }

// ParseProperties reads a properties file the way java.util.Properties.load
// reads an InputStream: bytes are ISO-8859-1; a logical line may continue
// over several lines with a trailing odd backslash; lines whose first
// non-blank character is '#' or '!' are comments; the key ends at the first
// unescaped '=', ':' or blank; \t \n \r \f \uXXXX and \<any> are escapes.
func ParseProperties(data []byte) (*Properties, error) {
	p := NewProperties()
	lr := lineReader{buf: data}
	for {
		line, ok := lr.next()
		if !ok {
			return p, nil
		}
		key, value := splitKeyValue(line)
		k, err := unescape(key)
		if err != nil {
			return nil, err
		}
		v, err := unescape(value)
		if err != nil {
			return nil, err
		}
		p.Set(k, v)
	}
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\f' }

// lineReader yields logical lines: leading blanks dropped, comments and
// blank lines skipped, continuations joined.
type lineReader struct {
	buf []byte
	pos int
}

func (r *lineReader) next() ([]byte, bool) {
	var line []byte
	skipBlank, continued, comment, backslash := true, false, false, false
	for r.pos < len(r.buf) {
		c := r.buf[r.pos]
		r.pos++
		if skipBlank {
			if isBlank(c) || (!continued && (c == '\n' || c == '\r')) {
				continue
			}
			skipBlank, continued = false, false
		}
		if len(line) == 0 && !comment && (c == '#' || c == '!') {
			comment = true
		}
		if c != '\n' && c != '\r' {
			if !comment {
				line = append(line, c)
			}
			backslash = c == '\\' && !backslash
			continue
		}
		if c == '\r' && r.pos < len(r.buf) && r.buf[r.pos] == '\n' {
			r.pos++
		}
		if comment || len(line) == 0 {
			line, skipBlank, comment, backslash = line[:0], true, false, false
			continue
		}
		if !backslash {
			return line, true
		}
		line = line[:len(line)-1]
		skipBlank, continued, backslash = true, true, false
	}
	if comment || len(line) == 0 {
		return nil, false
	}
	if backslash {
		line = line[:len(line)-1]
	}
	return line, true
}

// splitKeyValue finds the key (up to an unescaped '=', ':' or blank) and
// the value (after the blanks and at most one '=' or ':').
func splitKeyValue(line []byte) (key, value []byte) {
	keyLen, valueStart, sep, backslash := 0, len(line), false, false
	for ; keyLen < len(line); keyLen++ {
		c := line[keyLen]
		if (c == '=' || c == ':') && !backslash {
			valueStart, sep = keyLen+1, true
			break
		}
		if isBlank(c) && !backslash {
			valueStart = keyLen + 1
			break
		}
		backslash = c == '\\' && !backslash
	}
	for ; valueStart < len(line); valueStart++ {
		c := line[valueStart]
		if isBlank(c) {
			continue
		}
		if !sep && (c == '=' || c == ':') {
			sep = true
			continue
		}
		break
	}
	return line[:keyLen], line[valueStart:]
}

// unescape decodes escapes; bytes are ISO-8859-1 characters, \uXXXX are
// UTF-16 code units (a surrogate pair makes one character).
func unescape(b []byte) (string, error) {
	units := make([]uint16, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' {
			units = append(units, uint16(c))
			continue
		}
		i++
		if i == len(b) {
			break // a lone trailing backslash is dropped
		}
		switch c = b[i]; c {
		case 't':
			units = append(units, '\t')
		case 'n':
			units = append(units, '\n')
		case 'r':
			units = append(units, '\r')
		case 'f':
			units = append(units, '\f')
		case 'u':
			u, err := hex4(b[i+1:])
			if err != nil {
				return "", err
			}
			units = append(units, u)
			i += 4
		default:
			units = append(units, uint16(c))
		}
	}
	return string(utf16.Decode(units)), nil
}

func hex4(b []byte) (uint16, error) {
	if len(b) < 4 {
		return 0, fmt.Errorf("%w: malformed \\uxxxx encoding in a properties file", ErrInvalid)
	}
	var u uint16
	for _, c := range b[:4] {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, fmt.Errorf("%w: malformed \\uxxxx encoding in a properties file", ErrInvalid)
		}
		u = u<<4 | uint16(d)
	}
	return u, nil
}
