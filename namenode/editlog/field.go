package editlog

// A field is one entry of an op's layout. It says how a piece of the Op is
// stored in a binary record (bin, present at the layout versions `when`
// allows) and how it appears under the record's <DATA> element in the XML
// dump (xml, as element `tag`). Either side may be nil: some values exist
// only in one form (OP_ADD's xattrs are never dumped; OP_CLOSE dumps an
// empty CLIENT_NAME it never stores).
type field struct {
	tag  string
	bin  binKind
	xml  xmlKind
	when presence
	opt  bool // the element may be missing from XML input
}

// binKind encodes and decodes one value of an Op in the binary format.
type binKind interface {
	put(e *encoder, o *Op)
	get(d *decoder, o *Op)
}

// xmlKind writes and reads one value of an Op in the XML format. tag is the
// field's element name; kinds that write several elements ignore it.
type xmlKind interface {
	emit(x *xmlOut, tag string, o *Op)
	parse(p *xmlParser, s *stanza, tag string, o *Op)
}

// presence says at which layout versions a field is in the binary record.
type presence struct {
	feature Feature
	mode    uint8 // presAlways, presSince or presUntil
}

const (
	presAlways uint8 = iota
	presSince        // from the layout version that added feature
	presUntil        // before the layout version that added feature
)

// in reports whether the field is stored in a layout with the given
// feature set.
func (p presence) in(feats uint64) bool {
	has := feats&(1<<p.feature) != 0
	switch p.mode {
	case presSince:
		return has
	case presUntil:
		return !has
	}
	return true
}

// since limits the binary field to layouts that have feature f.
func (f field) since(ft Feature) field {
	f.when = presence{feature: ft, mode: presSince}
	return f
}

// until limits the binary field to layouts older than feature f.
func (f field) until(ft Feature) field {
	f.when = presence{feature: ft, mode: presUntil}
	return f
}

// binOnly drops the field from the XML form.
func (f field) binOnly() field {
	f.xml = nil
	return f
}

// xmlOnly drops the field from the binary form.
func (f field) xmlOnly() field {
	f.bin = nil
	return f
}

// optional lets XML input omit the element (the Op keeps its zero value).
func (f field) optional() field {
	f.opt = true
	return f
}

// both builds a field whose kind serves both forms.
func both(tag string, k interface {
	binKind
	xmlKind
}) field {
	return field{tag: tag, bin: k, xml: k}
}

// opSpec describes one opcode: its fields in binary order, and the XML
// element order when that differs.
type opSpec struct {
	fields   []field
	xmlOrder []string // tags, in XML order; nil = binary order
	obsolete bool     // Hadoop reads it but refuses to write it
	xml      []field  // fields in XML order, computed from the above
}

func (s *opSpec) encode(e *encoder, o *Op) {
	for _, f := range s.fields {
		if f.bin != nil && f.when.in(e.feats) {
			f.bin.put(e, o)
		}
	}
}

func (s *opSpec) decode(d *decoder, o *Op) {
	for _, f := range s.fields {
		if f.bin != nil && f.when.in(d.feats) {
			f.bin.get(d, o)
		}
	}
}

func (s *opSpec) emitXML(x *xmlOut, o *Op) {
	for _, f := range s.xml {
		f.xml.emit(x, f.tag, o)
	}
}

func (s *opSpec) parseXML(p *xmlParser, st *stanza, o *Op) {
	for _, f := range s.xml {
		if f.opt && f.tag != "" && !st.has(f.tag) {
			continue
		}
		f.xml.parse(p, st, f.tag, o)
	}
}

// orderXML computes s.xml. It panics if xmlOrder and the fields disagree,
// which a test catches.
func (s *opSpec) orderXML() {
	s.xml = nil
	if s.xmlOrder == nil {
		for _, f := range s.fields {
			if f.xml != nil {
				s.xml = append(s.xml, f)
			}
		}
		return
	}
	byTag := make(map[string]field)
	for _, f := range s.fields {
		if f.xml != nil {
			byTag[f.tag] = f
		}
	}
	for _, tag := range s.xmlOrder {
		f, ok := byTag[tag]
		if !ok {
			panic("editlog: xmlOrder names unknown field " + tag)
		}
		s.xml = append(s.xml, f)
		delete(byTag, tag)
	}
	if len(byTag) != 0 {
		panic("editlog: xmlOrder misses fields")
	}
}
