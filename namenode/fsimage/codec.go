package fsimage

import (
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"strings"
)

// Compression codecs Hadoop names in FileSummary.codec (the codec's Java
// class) and accepts in dfs.image.compression.codec.
const (
	CodecDefault = "org.apache.hadoop.io.compress.DefaultCodec" // zlib
	CodecDeflate = "org.apache.hadoop.io.compress.DeflateCodec" // zlib too
	CodecGzip    = "org.apache.hadoop.io.compress.GzipCodec"
)

// codec compresses and decompresses one section at a time.
type codec interface {
	newReader(io.Reader) (io.Reader, error)
	newWriter(io.Writer) io.WriteCloser
}

type zlibCodec struct{}

func (zlibCodec) newReader(r io.Reader) (io.Reader, error) { return zlib.NewReader(r) }
func (zlibCodec) newWriter(w io.Writer) io.WriteCloser     { return zlib.NewWriter(w) }

type gzipCodec struct{}

func (gzipCodec) newReader(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }
func (gzipCodec) newWriter(w io.Writer) io.WriteCloser     { return gzip.NewWriter(w) }

// codecFor returns the codec for a Java class name; "" means no compression.
func codecFor(class string) (codec, error) {
	switch class {
	case "":
		return nil, nil
	case CodecDefault, CodecDeflate:
		return zlibCodec{}, nil
	case CodecGzip:
		return gzipCodec{}, nil
	}
	return nil, fmt.Errorf("%w: compression codec %q is not supported (supported: %s)",
		ErrUnsupported, class, strings.Join([]string{CodecDefault, CodecDeflate, CodecGzip}, ", "))
}
