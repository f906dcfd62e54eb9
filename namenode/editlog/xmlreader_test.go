package editlog

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// The XML loader follows Hadoop's state machine: <EDITS>, <EDITS_VERSION>,
// then <RECORD><OPCODE/><DATA/></RECORD>s; anything else is an error.
func TestXMLReaderRefusesDocumentsHadoopRefuses(t *testing.T) {
	const head = `<?xml version="1.0"?><EDITS><EDITS_VERSION>-67</EDITS_VERSION>`
	const rec = `<RECORD><OPCODE>OP_SET_GENSTAMP_V2</OPCODE><DATA><TXID>1</TXID><GENSTAMPV2>9</GENSTAMPV2></DATA></RECORD>`
	cases := map[string]string{
		"wrong root":          `<EDIT><EDITS_VERSION>-67</EDITS_VERSION></EDIT>`,
		"no version":          `<EDITS><RECORD/></EDITS>`,
		"bad version":         `<EDITS><EDITS_VERSION>x</EDITS_VERSION></EDITS>`,
		"doctype":             `<!DOCTYPE EDITS [<!ENTITY x "y">]>` + head + `</EDITS>`,
		"unknown opcode":      head + `<RECORD><OPCODE>OP_FROB</OPCODE><DATA><TXID>1</TXID></DATA></RECORD></EDITS>`,
		"obsolete opcode":     head + `<RECORD><OPCODE>OP_DATANODE_ADD</OPCODE><DATA><TXID>1</TXID></DATA></RECORD></EDITS>`,
		"no txid":             head + `<RECORD><OPCODE>OP_SET_GENSTAMP_V2</OPCODE><DATA><GENSTAMPV2>9</GENSTAMPV2></DATA></RECORD></EDITS>`,
		"missing field":       head + `<RECORD><OPCODE>OP_SET_GENSTAMP_V2</OPCODE><DATA><TXID>1</TXID></DATA></RECORD></EDITS>`,
		"field twice":         head + strings.Replace(rec, "</DATA>", "<GENSTAMPV2>8</GENSTAMPV2></DATA>", 1) + `</EDITS>`,
		"not a number":        head + strings.Replace(rec, ">9<", ">nine<", 1) + `</EDITS>`,
		"too big for a short": head + `<RECORD><OPCODE>OP_SET_REPLICATION</OPCODE><DATA><TXID>1</TXID><PATH>/</PATH><REPLICATION>40000</REPLICATION></DATA></RECORD></EDITS>`,
		"bad escape":          head + strings.Replace(rec, ">9<", `>\00g9;<`, 1) + `</EDITS>`,
		"data before opcode":  head + `<RECORD><DATA><TXID>1</TXID></DATA></RECORD></EDITS>`,
		"unclosed":            head + rec,
		"after </EDITS>":      head + rec + `</EDITS><EDITS/>`,
		"two add blocks":      head + `<RECORD><OPCODE>OP_ADD_BLOCK</OPCODE><DATA><TXID>1</TXID><PATH>/</PATH></DATA></RECORD></EDITS>`,
	}
	for name, doc := range cases {
		err := readAllXML(doc)
		if !errors.Is(err, ErrXML) || !strings.HasPrefix(err.Error(), "editlog: ") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := readAllXML(head + rec + `<!-- fine --></EDITS>` + "\n"); err != nil {
		t.Errorf("valid document: %v", err)
	}
}

func readAllXML(doc string) error {
	xr, err := NewXMLReader(bytes.NewReader([]byte(doc)))
	if err != nil {
		return err
	}
	for {
		if _, err := xr.Next(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

// Values are unmangled, then trimmed, as Hadoop does; optional elements
// may be missing; unknown elements are ignored.
func TestXMLReaderValueRules(t *testing.T) {
	doc := `<EDITS><EDITS_VERSION>-67</EDITS_VERSION><RECORD><OPCODE>OP_SET_OWNER</OPCODE>
	<DATA><TXID> 5 </TXID><SRC>  /a\005c;b&amp;c\0001;  </SRC><GROUPNAME>g</GROUPNAME><EXTRA>x</EXTRA></DATA>
	</RECORD></EDITS>`
	xr, err := NewXMLReader(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	op, err := xr.Next()
	if err != nil {
		t.Fatal(err)
	}
	if op.TxID != 5 || op.Path != `/a\b&c` || op.Owner != "" || op.Group != "g" {
		t.Fatalf("%+v", op)
	}
}
