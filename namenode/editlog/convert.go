package editlog

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// ConvertFile does what `hdfs oev -i in -o out -p processor` does. An input
// whose name ends in ".xml" (any case) is read as XML, anything else as a
// binary segment. Processors (any case; "" means xml):
//
//	xml     binary -> XML
//	binary  XML -> binary, always in CurrentLayoutVersion, as Hadoop does
//	stats   either -> the per-opcode counts table
//
// On an error in the middle of the input the output keeps what was
// converted, followed by Hadoop's error trailer, and the error is
// returned.
func ConvertFile(in, out, processor string) error {
	processor = strings.ToLower(processor)
	if processor == "" {
		processor = "xml"
	}
	xmlInput := strings.HasSuffix(strings.ToLower(in), ".xml")
	switch {
	case xmlInput && processor == "xml":
		return errors.New("editlog: XML format input file is not allowed to be processed by XML processor")
	case !xmlInput && processor == "binary":
		return errors.New("editlog: binary format input file is not allowed to be processed by binary processor")
	case processor != "xml" && processor != "binary" && processor != "stats":
		return fmt.Errorf("editlog: unknown processor %q (want xml, binary or stats)", processor)
	}
	src, err := os.Open(in)
	if err != nil {
		return fmt.Errorf("editlog: %w", err)
	}
	defer src.Close()
	dst, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("editlog: %w", err)
	}
	bw := bufio.NewWriter(dst)
	err = convert(bufio.NewReader(src), xmlInput, bw, processor)
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	return err
}

// opSource is what ConvertFile reads: a binary or an XML segment.
type opSource interface {
	LayoutVersion() int32
	Next() (Op, error)
}

// sink is what ConvertFile writes (Hadoop's OfflineEditsVisitor).
type sink interface {
	write(op *Op) error
	close(cause error) error
}

func convert(r io.Reader, xmlInput bool, w io.Writer, processor string) error {
	var src opSource
	var err error
	if xmlInput {
		src, err = NewXMLReader(r)
	} else {
		src, err = NewReader(r)
	}
	if err != nil {
		return err
	}
	out, err := newSink(w, processor, src.LayoutVersion())
	if err != nil {
		return err
	}
	for {
		op, err := src.Next()
		if err == io.EOF {
			return out.close(nil)
		}
		if err == nil {
			err = out.write(&op)
		}
		if err != nil {
			out.close(err)
			return err
		}
	}
}

func newSink(w io.Writer, processor string, lv int32) (sink, error) {
	switch processor {
	case "binary":
		bw, err := NewWriter(w)
		return binarySink{bw}, err
	case "stats":
		return &statsSink{w: w, s: NewStats(lv)}, nil
	}
	return xmlSink{NewXMLWriter(w, lv)}, nil
}

type xmlSink struct{ *XMLWriter }

func (s xmlSink) write(op *Op) error      { return s.Write(op) }
func (s xmlSink) close(cause error) error { return s.CloseWithError(cause) }

type binarySink struct{ *Writer }

func (s binarySink) write(op *Op) error { return s.Write(op) }
func (binarySink) close(error) error    { return nil }

type statsSink struct {
	w io.Writer
	s *Stats
}

func (s *statsSink) write(op *Op) error {
	s.s.Add(op)
	return nil
}

func (s *statsSink) close(cause error) error {
	text := s.s.String()
	if cause != nil {
		text += "EXITING ON ERROR: " + cause.Error() + "\n"
	}
	_, err := io.WriteString(s.w, text)
	return err
}
