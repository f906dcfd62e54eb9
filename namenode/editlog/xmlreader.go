package editlog

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// XMLReader reads the XML form back into ops, following the offline edits
// viewer's loader (OfflineEditsXmlLoader): <EDITS>, <EDITS_VERSION>, then
// <RECORD>s of <OPCODE> and <DATA>. An element's value is its text since
// the previous end tag, unmangled and trimmed; unknown elements inside
// <DATA> are ignored.
type XMLReader struct {
	d     *xml.Decoder
	lv    int32
	state xmlState
	text  strings.Builder // character data since the last end tag
	err   error           // sticky: io.EOF or the error that stopped reading
}

type xmlState uint8

const (
	expectEdits xmlState = iota
	expectVersion
	expectRecord
	expectOpcode
	expectData
	inData
	expectEnd
)

// NewXMLReader reads up to and including <EDITS_VERSION>.
func NewXMLReader(r io.Reader) (*XMLReader, error) {
	xr := &XMLReader{d: xml.NewDecoder(r)}
	for xr.state < expectRecord {
		if err := xr.step(); err != nil {
			return nil, err
		}
	}
	return xr, nil
}

// LayoutVersion is the number in <EDITS_VERSION>.
func (xr *XMLReader) LayoutVersion() int32 { return xr.lv }

// Next returns the next record's op, or io.EOF after </EDITS>.
func (xr *XMLReader) Next() (Op, error) {
	if xr.err != nil {
		return Op{}, xr.err
	}
	var code Opcode
	for {
		tok, err := xr.token()
		if err != nil {
			return xr.stop(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := xr.start(t.Name.Local); err != nil {
				return xr.stop(err)
			}
			if xr.state == inData {
				return xr.readData(code)
			}
		case xml.EndElement:
			if code, err = xr.end(t.Name.Local); err != nil {
				return xr.stop(err)
			}
			if xr.state == expectEnd {
				return xr.finish()
			}
		}
	}
}

func (xr *XMLReader) stop(err error) (Op, error) {
	xr.err = err
	return Op{}, err
}

// finish checks that nothing but whitespace, comments and processing
// instructions follows </EDITS>.
func (xr *XMLReader) finish() (Op, error) {
	for {
		tok, err := xr.token()
		if err == io.EOF {
			return xr.stop(io.EOF)
		}
		if err != nil {
			return xr.stop(err)
		}
		if _, ok := tok.(xml.StartElement); ok {
			return xr.stop(fmt.Errorf("%w: not expecting anything after </EDITS>", ErrXML))
		}
	}
}

// step handles one token of the prologue.
func (xr *XMLReader) step() error {
	tok, err := xr.token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case xml.StartElement:
		return xr.start(t.Name.Local)
	case xml.EndElement:
		_, err = xr.end(t.Name.Local)
	}
	return err
}

// token returns the next start or end element, collecting character data
// on the way. Running out of input before </EDITS> is an error.
func (xr *XMLReader) token() (xml.Token, error) {
	for {
		tok, err := xr.d.Token()
		if err == io.EOF {
			if xr.state == expectEnd {
				return nil, io.EOF
			}
			return nil, fmt.Errorf("%w: expecting </EDITS>", ErrXML)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrXML, err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			xr.text.Write(t)
		case xml.Directive:
			return nil, fmt.Errorf("%w: DOCTYPE and other directives are not allowed", ErrXML)
		case xml.StartElement, xml.EndElement:
			return tok, nil
		}
	}
}

// start checks a start tag against the loader's state machine.
func (xr *XMLReader) start(name string) error {
	want := map[xmlState]string{expectEdits: "EDITS", expectVersion: "EDITS_VERSION",
		expectRecord: "RECORD", expectOpcode: "OPCODE", expectData: "DATA"}[xr.state]
	if xr.state == expectEnd {
		return fmt.Errorf("%w: not expecting anything after </EDITS>", ErrXML)
	}
	if name != want {
		return fmt.Errorf("%w: expected <%s>, got <%s>", ErrXML, want, name)
	}
	switch xr.state {
	case expectEdits:
		xr.state = expectVersion
	case expectRecord:
		xr.state = expectOpcode
	case expectData:
		xr.state = inData
	}
	return nil
}

// end handles an end tag outside <DATA>; after </OPCODE> it returns the
// opcode.
func (xr *XMLReader) end(name string) (Opcode, error) {
	value, err := xr.value()
	if err != nil {
		return 0, err
	}
	switch {
	case xr.state == expectVersion && name == "EDITS_VERSION":
		v, err := strconv.ParseInt(value, 10, 32)
		if err != nil {
			return 0, fmt.Errorf("%w: EDITS_VERSION %q is not a number", ErrXML, value)
		}
		xr.lv, xr.state = int32(v), expectRecord
	case xr.state == expectRecord && name == "EDITS":
		xr.state = expectEnd
	case xr.state == expectRecord && name == "RECORD":
	case xr.state == expectOpcode && name == "OPCODE":
		code, ok := opcodeByName[value]
		if !ok || specFor(code) == nil {
			return 0, fmt.Errorf("%w: unknown opcode %q", ErrXML, value)
		}
		xr.state = expectData
		return code, nil
	default:
		return 0, fmt.Errorf("%w: unexpected </%s>", ErrXML, name)
	}
	return 0, nil
}

// value returns the collected character data as Hadoop sees it, and
// starts collecting anew.
func (xr *XMLReader) value() (string, error) {
	s, err := unmangle(xr.text.String())
	xr.text.Reset()
	return javaTrim(s), err
}

// readData builds the stanza tree of one <DATA> element and decodes it.
func (xr *XMLReader) readData(code Opcode) (Op, error) {
	data := &stanza{}
	stack := []*stanza{data}
	for len(stack) > 0 {
		tok, err := xr.token()
		if err != nil {
			return xr.stop(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			child := &stanza{}
			stack[len(stack)-1].add(t.Name.Local, child)
			stack = append(stack, child)
		case xml.EndElement:
			v, err := xr.value()
			if err != nil {
				return xr.stop(err)
			}
			stack[len(stack)-1].value = v
			stack = stack[:len(stack)-1]
		}
	}
	xr.state = expectRecord
	op, err := decodeXMLOp(code, data)
	if err != nil {
		return xr.stop(err)
	}
	return op, nil
}

func decodeXMLOp(code Opcode, data *stanza) (Op, error) {
	var p xmlParser
	op := NewOp(code)
	op.TxID = p.int(data, "TXID", 64)
	specFor(code).parseXML(&p, data, &op)
	if p.err != nil {
		return Op{}, fmt.Errorf("%w (%v txid %d)", p.err, code, op.TxID)
	}
	return op, nil
}
