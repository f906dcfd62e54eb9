package conf

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Property is one <property> of a Hadoop XML resource.
type Property struct {
	Name     string // trimmed
	Value    string // as written, not trimmed
	HasValue bool   // false when <value> is missing or empty: Hadoop then ignores the value
	Final    bool   // <final>true</final> (exactly "true")
}

// maxIncludeDepth bounds nested xi:include (Hadoop has no bound and would
// overflow its stack on a cycle).
const maxIncludeDepth = 16

// ParseXML parses a Hadoop configuration resource the way Hadoop's
// Configuration parser does: <property> elements anywhere, with <name>,
// <value>, <final> children or name/value/final attributes. xi:include
// elements resolve to nothing, so their xi:fallback content applies.
func ParseXML(data []byte) ([]Property, error) {
	p := &xmlParser{name: "<input>", open: noInclude}
	return p.parse(data)
}

// xmlParser parses one resource; open fetches an included resource and
// returns fs.ErrNotExist when there is none.
type xmlParser struct {
	name  string
	open  func(href string) (data []byte, name string, err error)
	depth int
}

// parseState is the state Hadoop's parser keeps between XML events.
type parseState struct {
	token      strings.Builder
	collecting bool // Hadoop starts collecting text at the first name/value/final and never stops
	name       string
	hasName    bool
	value      string
	hasValue   bool
	final      bool
	include    string
	fbAllowed  bool // the current include failed: its fallback applies
	fbEntered  bool // inside <fallback>
	depth      int
	rootSeen   bool
	results    []Property
}

func (p *xmlParser) parse(data []byte) ([]Property, error) {
	d := xml.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	d.CharsetReader = charsetReader
	st := &parseState{}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("conf: parsing %s: %w", p.name, err)
		}
		if err := p.handle(st, tok); err != nil {
			return nil, err
		}
	}
	if !st.rootSeen {
		return nil, fmt.Errorf("conf: parsing %s: no root element", p.name)
	}
	return st.results, nil
}

func (p *xmlParser) handle(st *parseState, tok xml.Token) error {
	switch t := tok.(type) {
	case xml.StartElement:
		if st.depth == 0 && st.rootSeen {
			return fmt.Errorf("conf: parsing %s: more than one root element", p.name)
		}
		st.depth++
		st.rootSeen = true
		return p.start(st, t)
	case xml.EndElement:
		st.depth--
		return p.end(st, t)
	case xml.CharData:
		if st.depth == 0 && len(bytes.TrimSpace(t)) > 0 {
			return fmt.Errorf("conf: parsing %s: text outside the root element", p.name)
		}
		if st.collecting {
			st.token.Write(t)
		}
	}
	return nil
}

func (p *xmlParser) start(st *parseState, t xml.StartElement) error {
	switch t.Name.Local {
	case "property":
		st.name, st.hasName, st.value, st.hasValue, st.final = "", false, "", false, false
		for _, a := range t.Attr {
			switch a.Name.Local {
			case "name":
				st.name, st.hasName = a.Value, true
			case "value":
				st.value, st.hasValue = a.Value, true
			case "final":
				st.final = a.Value == "true"
			}
		}
	case "name", "value", "final", "source", "tag":
		st.collecting = true
		st.token.Reset()
	case "include":
		return p.startInclude(st, t)
	case "fallback":
		st.fbEntered = true
	}
	return nil
}

func (p *xmlParser) end(st *parseState, t xml.EndElement) error {
	text := st.token.String()
	switch t.Name.Local {
	case "name":
		if text != "" {
			st.name, st.hasName = javaTrim(text), true
		}
	case "value":
		if text != "" {
			st.value, st.hasValue = text, true
		}
	case "final":
		st.final = text == "true"
	case "include":
		if st.fbAllowed && !st.fbEntered {
			return fmt.Errorf("conf: fetch fail on include for '%s' with no fallback while loading '%s'", st.include, p.name)
		}
		st.fbAllowed, st.fbEntered = false, false
	case "property":
		if !st.hasName || (!st.fbAllowed && st.fbEntered) {
			return nil
		}
		st.results = append(st.results, Property{
			Name: st.name, Value: st.value, HasValue: st.hasValue, Final: st.final,
		})
	}
	return nil
}

// startInclude inlines an included resource; when it does not exist the
// include's <fallback> must supply the properties instead.
func (p *xmlParser) startInclude(st *parseState, t xml.StartElement) error {
	st.include = ""
	for _, a := range t.Attr {
		if a.Name.Local == "href" {
			st.include = a.Value
		}
	}
	if st.include == "" {
		return nil
	}
	if p.depth >= maxIncludeDepth {
		return fmt.Errorf("conf: parsing %s: includes nested deeper than %d", p.name, maxIncludeDepth)
	}
	data, name, err := p.open(st.include)
	if errors.Is(err, fs.ErrNotExist) {
		st.fbAllowed = true
		return nil
	}
	if err != nil {
		return fmt.Errorf("conf: parsing %s: include %s: %w", p.name, st.include, err)
	}
	sub := &xmlParser{name: name, open: p.open, depth: p.depth + 1}
	props, err := sub.parse(data)
	if err != nil {
		return err
	}
	st.results = append(st.results, props...)
	return nil
}

func noInclude(string) ([]byte, string, error) { return nil, "", fs.ErrNotExist }

// openFileInclude resolves an href as Hadoop does for files: a file: URL,
// an absolute path, or a path relative to the including resource.
func openFileInclude(dir string) func(string) ([]byte, string, error) {
	return func(href string) ([]byte, string, error) {
		path := href
		if u, err := url.Parse(href); err == nil && u.Scheme == "file" {
			path = u.Path
		} else if !filepath.IsAbs(path) {
			path = filepath.Join(dir, path)
		}
		data, err := os.ReadFile(path)
		return data, path, err
	}
}

// charsetReader accepts the single-byte encodings a hand-written site file
// may declare besides UTF-8.
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-8", "utf8":
		return input, nil
	case "us-ascii", "ascii", "iso-8859-1", "iso8859-1", "latin1", "latin-1":
		return latin1Reader(input)
	}
	return nil, fmt.Errorf("conf: unsupported XML encoding %q", label)
}

func latin1Reader(input io.Reader) (io.Reader, error) {
	raw, err := io.ReadAll(input)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(raw))
	for _, b := range raw {
		out = utf8.AppendRune(out, rune(b))
	}
	return bytes.NewReader(out), nil
}
