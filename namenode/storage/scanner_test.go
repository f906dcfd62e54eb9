package storage

import (
	"bytes"
	"errors"
	"io"

	"github.com/hdfsd/hdfsd/namenode/editlog"
)

// editlogScanner is the Scanner the NameNode plugs in, built for these
// tests on the edit-log codec: it reads an in-progress segment up to its
// first damaged record or its OP_INVALID padding and reports the last
// whole transaction (EditLogFileInputStream.scanEditLog). A header that
// cannot be read is a corrupt header, except a preallocated file whose
// header was never written (layout version -1): Hadoop reads that as a
// header and finds no transaction, so it is moved aside as .empty.
func editlogScanner(fsys FS) Scanner {
	return func(path string) (Scan, error) {
		data, err := ReadFile(fsys, path)
		if err != nil {
			return Scan{}, err
		}
		if len(data) >= 4 && bytes.Equal(data[:4], []byte{0xff, 0xff, 0xff, 0xff}) {
			return Scan{LastTxID: InvalidTxID}, nil
		}
		r, err := editlog.NewReader(bytes.NewReader(data))
		if errors.Is(err, editlog.ErrHeader) || errors.Is(err, editlog.ErrLayoutVersion) {
			return Scan{LastTxID: InvalidTxID, CorruptHeader: true}, nil
		}
		if err != nil {
			return Scan{}, err
		}
		r.AllowTornTail()
		for {
			if _, err := r.Next(); err == io.EOF {
				return Scan{LastTxID: r.LastTxID()}, nil
			} else if err != nil {
				return Scan{}, err
			}
		}
	}
}
