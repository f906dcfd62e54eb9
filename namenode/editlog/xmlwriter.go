package editlog

import (
	"bytes"
	"fmt"
	"io"
)

// XMLWriter writes ops in the XML form of `hdfs oev -p xml`
// (XmlEditsVisitor), byte for byte.
type XMLWriter struct {
	w   io.Writer
	x   xmlOut
	err error // sticky write error
}

// NewXMLWriter starts a document for a segment of layout version lv. Write
// errors are reported by Write and Close.
func NewXMLWriter(w io.Writer, lv int32) *XMLWriter {
	xw := &XMLWriter{w: w, x: xmlOut{w: new(bytes.Buffer)}}
	xw.x.w.WriteString(xmlDeclaration + "\n<EDITS")
	xw.x.pending, xw.x.depth = true, 1
	xw.x.leafInt("EDITS_VERSION", int64(lv))
	xw.flush()
	return xw
}

// Write appends one <RECORD>. An op that cannot be shown (an RPC client id
// that is not a UUID, an out-of-range enum) leaves the document unchanged.
func (xw *XMLWriter) Write(op *Op) error {
	if xw.err != nil {
		return xw.err
	}
	spec := specFor(op.Code)
	if spec == nil {
		return fmt.Errorf("%w: %v has no XML form", ErrNotWritable, op.Code)
	}
	x := &xw.x
	mark, depth, pending := x.w.Len(), x.depth, x.pending
	x.open("RECORD")
	x.leaf("OPCODE", op.Code.String())
	x.open("DATA")
	x.leafInt("TXID", op.TxID)
	spec.emitXML(x, op)
	x.close("DATA")
	x.close("RECORD")
	if err := x.err; err != nil {
		x.w.Truncate(mark)
		x.depth, x.pending, x.err = depth, pending, nil
		return fmt.Errorf("%w (%v txid %d)", err, op.Code, op.TxID)
	}
	return xw.flush()
}

// Close ends the document.
func (xw *XMLWriter) Close() error {
	return xw.CloseWithError(nil)
}

// CloseWithError ends the document; a non-nil cause is recorded after it
// in an <ERROR> element, as the offline edits viewer does when it stops on
// an error.
func (xw *XMLWriter) CloseWithError(cause error) error {
	if xw.err != nil {
		return xw.err
	}
	xw.x.close("EDITS")
	if cause != nil {
		xw.x.leaf("ERROR", cause.Error())
	}
	xw.x.w.WriteByte('\n')
	return xw.flush()
}

func (xw *XMLWriter) flush() error {
	if xw.err == nil {
		if _, err := xw.w.Write(xw.x.w.Bytes()); err != nil {
			xw.err = fmt.Errorf("editlog: writing XML: %w", err)
		}
	}
	xw.x.w.Reset()
	return xw.err
}
