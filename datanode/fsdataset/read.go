package fsdataset

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Reader is a replica opened for reading: its data and .meta files (real
// *os.File on OSFS, ready for sendfile) and what a reader may read.
type Reader struct {
	Replica  Replica // the replica when it was opened
	Header   MetaHeader
	Data     DataFile
	Meta     DataFile
	DataPath string
	MetaPath string
}

// VisibleLength is how many bytes a reader may read: the acknowledged
// bytes of an RBW replica, the length of a finalized one.
func (r *Reader) VisibleLength() int64 { return r.Replica.VisibleLength() }

// Sums reads the checksums of n chunks starting at chunk first.
func (r *Reader) Sums(first, n int64) ([]byte, error) {
	size := int64(r.Header.Type.Size())
	buf := make([]byte, n*size)
	if _, err := r.Meta.ReadAt(buf, MetaHeaderLen+first*size); err != nil && !(errors.Is(err, io.EOF) && n == 0) {
		return nil, replicaErr(r.Replica.Block(), r.MetaPath, err, "reading checksums %d-%d", first, first+n)
	}
	return buf, nil
}

// Close closes both files.
func (r *Reader) Close() error { return errors.Join(r.Data.Close(), r.Meta.Close()) }

// OpenRead opens a FINALIZED, RBW or RUR replica of b for reading. The
// replica's generation stamp may be newer than b's (a reader with an old
// location), not older.
func (ds *Dataset) OpenRead(bpid string, b Block) (*Reader, error) {
	for attempt := 0; ; attempt++ {
		ds.mu.Lock()
		r, ok := ds.mu.pools[bpid][b.ID]
		ds.mu.Unlock()
		if !ok {
			return nil, notFound(bpid, b)
		}
		if r.GenStamp < b.GenStamp {
			return nil, &Error{Block: b, Err: ErrReplicaNotFound, Msg: fmt.Sprintf(
				"Replica gen stamp < block genstamp, block=%s, replica=%s", extBlock(bpid, b), r)}
		}
		if r.State == Temporary || r.State == RWR {
			return nil, &Error{Block: b, Err: ErrReplicaNotFound, Msg: fmt.Sprintf(
				"Cannot read a replica in state %s: %s", r.State, r)}
		}
		rd, err := ds.openFiles(bpid, r)
		if errors.Is(err, fs.ErrNotExist) && attempt < 3 {
			continue // finalized or recovered meanwhile: look again
		}
		return rd, err
	}
}

func (ds *Dataset) openFiles(bpid string, r Replica) (*Reader, error) {
	v := ds.vols[r.Volume]
	dataPath, metaPath := v.files(bpid, r)
	data, err := ds.fsys.OpenFile(dataPath, os.O_RDONLY, 0)
	if err != nil {
		return nil, replicaErr(r.Block(), dataPath, ds.ioError(v, err), "opening")
	}
	meta, err := ds.fsys.OpenFile(metaPath, os.O_RDONLY, 0)
	if err != nil {
		data.Close()
		return nil, replicaErr(r.Block(), metaPath, ds.ioError(v, err), "opening")
	}
	hb := make([]byte, MetaHeaderLen)
	var h MetaHeader
	if _, err = io.ReadFull(io.NewSectionReader(meta, 0, MetaHeaderLen), hb); err == nil {
		h, err = ParseMetaHeader(hb)
	}
	if err != nil {
		data.Close()
		meta.Close()
		return nil, replicaErr(r.Block(), metaPath, err, "reading the .meta header")
	}
	return &Reader{Replica: r, Header: h, Data: data, Meta: meta, DataPath: dataPath, MetaPath: metaPath}, nil
}

// VerifyFiles checks every chunk of a data file against its .meta file,
// as the block scanner does, and returns the data length.
func VerifyFiles(fsys FS, dataPath, metaPath string) (int64, error) {
	data, err := fsys.OpenFile(dataPath, os.O_RDONLY, 0)
	if err != nil {
		return 0, err
	}
	defer data.Close()
	meta, err := fsys.OpenFile(metaPath, os.O_RDONLY, 0)
	if err != nil {
		return 0, err
	}
	defer meta.Close()
	mb, err := io.ReadAll(meta)
	if err != nil {
		return 0, fmt.Errorf("fsdataset: reading %s: %w", metaPath, err)
	}
	h, err := ParseMetaHeader(mb)
	if err != nil {
		return 0, fmt.Errorf("fsdataset: %s: %w", metaPath, err)
	}
	db, err := io.ReadAll(data)
	if err != nil {
		return 0, fmt.Errorf("fsdataset: reading %s: %w", dataPath, err)
	}
	if want := h.MetaLen(int64(len(db))); int64(len(mb)) < want {
		return 0, fmt.Errorf("%w: %s is %d bytes, %d bytes of data need %d", ErrCorrupt, metaPath, len(mb), len(db), want)
	}
	if off := h.Verify(db, mb[MetaHeaderLen:]); off >= 0 {
		return 0, fmt.Errorf("%w: %s: checksum mismatch in the chunk at offset %d", ErrCorrupt, dataPath, off)
	}
	return int64(len(db)), nil
}
