package fsdataset

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
)

// Writer writes one replica in a pipeline (RBW or TEMPORARY): data and
// checksums at given offsets, straight into the files (no user-space
// buffer, so hflush has nothing to do). One goroutine uses it; an append
// or recovery of the same replica stops it (its next call returns
// ErrWriterStopped).
type Writer struct {
	ds   *Dataset
	vol  *Volume
	bpid string
	id   int64
	hdr  MetaHeader

	mu       sync.Mutex
	stopped  bool
	data     DataFile
	meta     DataFile
	dataPath string
	onDisk   int64
	reserved int64 // bytes still reserved on the volume for this replica
	buf      []byte

	// The data file's blocks are allocated ahead of the writes, up to
	// allocLimit (the bytes expected), in steps of preallocStep: writing
	// into allocated space saves the file system its per-page delayed
	// allocation, a large part of a DataNode's CPU per byte written. The
	// space past the data is given back when the writer stops.
	allocated  int64
	allocLimit int64
}

// preallocStep is how far ahead of the writes a replica's data file is
// allocated.
const preallocStep = 8 << 20

// Header is the replica's checksum header.
func (w *Writer) Header() MetaHeader { return w.hdr }

// Volume is where the replica lives.
func (w *Writer) Volume() *Volume { return w.vol }

// BytesOnDisk is the length of the data written so far.
func (w *Writer) BytesOnDisk() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.onDisk
}

// DataFile is the open data file (an *os.File on OSFS), for callers that
// need more than WriteAt (e.g. sync_file_range or posix_fadvise).
func (w *Writer) DataFile() DataFile { return w.data }

// Replica is the replica as the map holds it now.
func (w *Writer) Replica() (Replica, error) {
	r, ok := w.ds.Get(w.bpid, w.id)
	if !ok {
		return Replica{}, w.err(Replica{ID: w.id}, ErrReplicaNotFound, "not in the replica map")
	}
	return r, nil
}

func (w *Writer) err(r Replica, err error, format string, args ...any) error {
	return replicaErr(r.Block(), w.dataPath, err, format, args...)
}

// Write stores data at block offset off (at most the bytes already on
// disk: no holes) and the checksums of its chunks. sums holds one
// checksum per chunk from off when off is chunk-aligned; when sums is nil
// or off is inside a chunk (an append to a partial last chunk), the
// checksums are computed here, reading the chunk's start from disk.
func (w *Writer) Write(off int64, data, sums []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped {
		return w.err(Replica{ID: w.id}, ErrWriterStopped, "write at %d", off)
	}
	if off < 0 || off > w.onDisk {
		return w.err(Replica{ID: w.id}, ErrInvalid, "write at %d past the %d bytes on disk", off, w.onDisk)
	}
	bpc := int64(w.hdr.BytesPerChecksum)
	chunkStart := off / bpc * bpc
	if w.hdr.Type != ChecksumNull && (sums == nil || chunkStart != off) {
		prefix := make([]byte, off-chunkStart)
		if _, err := w.data.ReadAt(prefix, chunkStart); err != nil && err != io.EOF {
			return w.ioErr(err, "reading partial chunk at %d", chunkStart)
		}
		w.buf = w.hdr.AppendSums(w.buf[:0], append(prefix, data...))
		sums = w.buf
	} else if want := int(w.hdr.Chunks(int64(len(data)))) * w.hdr.Type.Size(); len(sums) < want {
		return w.err(Replica{ID: w.id}, ErrInvalid, "%d checksum bytes for %d data bytes, want %d", len(sums), len(data), want)
	}
	if end := off + int64(len(data)); end > w.allocated && w.allocLimit > end {
		w.preallocate(end)
	}
	if _, err := w.data.WriteAt(data, off); err != nil {
		return w.ioErr(err, "writing %d bytes at %d", len(data), off)
	}
	if w.hdr.Type != ChecksumNull {
		n := int(w.hdr.Chunks(off+int64(len(data))-chunkStart)) * 4
		moff := MetaHeaderLen + chunkStart/bpc*4
		if _, err := w.meta.WriteAt(sums[:n], moff); err != nil {
			return w.ioErr(err, "writing checksums at %d", moff)
		}
	}
	return w.setOnDisk(max(w.onDisk, off+int64(len(data))), false)
}

// preallocate allocates the data file's blocks from end up to one step
// further (at most allocLimit), keeping the file's size. It is only an
// optimization: a file system or FS that cannot do it, or a full disk,
// turns it off for this writer and the writes go on as before.
func (w *Writer) preallocate(end int64) {
	f, ok := w.data.(*os.File)
	if !ok {
		w.allocLimit = 0
		return
	}
	from := max(w.allocated, w.onDisk)
	to := min(end+preallocStep, w.allocLimit)
	if to <= from {
		return
	}
	if err := allocateKeepSize(f, from, to-from); err != nil {
		w.allocLimit = 0
		return
	}
	w.allocated = to
}

// setOnDisk records a new data length in the map and the volume's usage.
func (w *Writer) setOnDisk(n int64, truncated bool) error {
	old := w.onDisk
	w.onDisk = n
	delta := n - old + w.hdr.MetaLen(n) - w.hdr.MetaLen(old)
	w.vol.usedCounter(w.bpid).Add(delta)
	if grow := min(max(n-old, 0), w.reserved); grow > 0 {
		w.reserved -= grow
		w.vol.reservedForReplicas.Add(-grow)
	}
	ds := w.ds
	ds.mu.Lock()
	defer ds.mu.Unlock()
	if ds.mu.writers[writerKey{w.bpid, w.id}] != w {
		return w.err(Replica{ID: w.id}, ErrWriterStopped, "after writing")
	}
	m := ds.mu.pools[w.bpid]
	r, ok := m[w.id]
	if !ok {
		return w.err(Replica{ID: w.id}, ErrReplicaNotFound, "removed while being written")
	}
	r.BytesOnDisk = n
	if truncated {
		r.NumBytes = n
		r.BytesAcked = min(r.BytesAcked, n)
	} else {
		r.NumBytes = max(r.NumBytes, n)
	}
	m[w.id] = r
	return nil
}

// SetAcked records that the pipeline acknowledged n bytes: the visible
// length readers see.
func (w *Writer) SetAcked(n int64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped {
		return w.err(Replica{ID: w.id}, ErrWriterStopped, "ack of %d", n)
	}
	ds := w.ds
	ds.mu.Lock()
	defer ds.mu.Unlock()
	m := ds.mu.pools[w.bpid]
	r, ok := m[w.id]
	if !ok || ds.mu.writers[writerKey{w.bpid, w.id}] != w {
		return w.err(r, ErrWriterStopped, "ack of %d", n)
	}
	if n > r.BytesAcked {
		r.BytesAcked = n
		m[w.id] = r
	}
	return nil
}

// Flush is hflush: the bytes are already in the files (and the page
// cache), so other readers see them.
func (w *Writer) Flush() error { return nil }

// Sync is hsync: fsync of the data and .meta files.
func (w *Writer) Sync() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped {
		return w.err(Replica{ID: w.id}, ErrWriterStopped, "sync")
	}
	if err := w.data.Sync(); err != nil {
		return w.ioErr(err, "syncing data")
	}
	if err := w.meta.Sync(); err != nil {
		return w.ioErr(err, "syncing checksums")
	}
	return nil
}

// Truncate cuts the replica back to n bytes (the last acknowledged
// length after a failed packet), recomputing the checksum of a partial
// last chunk.
func (w *Writer) Truncate(n int64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped {
		return w.err(Replica{ID: w.id}, ErrWriterStopped, "truncate to %d", n)
	}
	if n < 0 || n > w.onDisk {
		return w.err(Replica{ID: w.id}, ErrInvalid, "truncate to %d of %d bytes", n, w.onDisk)
	}
	if err := truncateReplica(w.data, w.meta, w.hdr, n); err != nil {
		return w.ioErr(err, "truncating to %d", n)
	}
	return w.setOnDisk(n, true)
}

// truncateReplica cuts data to n bytes and the .meta to match.
func truncateReplica(data, meta DataFile, h MetaHeader, n int64) error {
	if err := data.Truncate(n); err != nil {
		return err
	}
	if err := meta.Truncate(h.MetaLen(n)); err != nil {
		return err
	}
	bpc := int64(h.BytesPerChecksum)
	if h.Type == ChecksumNull || n%bpc == 0 {
		return nil
	}
	start := n / bpc * bpc
	chunk := make([]byte, n-start)
	if _, err := data.ReadAt(chunk, start); err != nil && err != io.EOF {
		return err
	}
	_, err := meta.WriteAt(binary.BigEndian.AppendUint32(nil, h.Sum(chunk)), MetaHeaderLen+start/bpc*4)
	return err
}

// Close closes the files and gives back the unused space reservation;
// the replica stays as it is (FinalizeBlock makes it FINALIZED).
func (w *Writer) Close() error {
	err := w.stop()
	w.ds.mu.Lock()
	if k := (writerKey{w.bpid, w.id}); w.ds.mu.writers[k] == w {
		delete(w.ds.mu.writers, k)
	}
	w.ds.mu.Unlock()
	return err
}

// stop closes the files; later calls fail with ErrWriterStopped.
func (w *Writer) stop() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped {
		return nil
	}
	w.stopped = true
	w.vol.reservedForReplicas.Add(-w.reserved)
	w.reserved = 0
	var trim error
	if w.allocated > w.onDisk {
		// Truncating to the data's length frees the blocks allocated
		// past it.
		trim = w.data.Truncate(w.onDisk)
	}
	err := errors.Join(trim, w.data.Close(), w.meta.Close())
	if err != nil {
		return w.ioErr(err, "closing")
	}
	return nil
}

// ioErr wraps an I/O error; one that is not a full disk fails the volume.
func (w *Writer) ioErr(err error, format string, args ...any) error {
	if errors.Is(err, syscall.ENOSPC) {
		err = fmt.Errorf("%w: %w", ErrDiskOutOfSpace, err)
	}
	err = w.ds.ioError(w.vol, err)
	return w.err(Replica{ID: w.id}, err, format, args...)
}

// openWriter opens a replica's files for writing and registers the
// writer; the caller holds ds.mu.
func (ds *Dataset) openWriterLocked(v *Volume, bpid string, r Replica, reserve int64) (*Writer, error) {
	dataPath, metaPath := v.files(bpid, r)
	data, err := ds.fsys.OpenFile(dataPath, os.O_RDWR, 0)
	if err != nil {
		return nil, replicaErr(r.Block(), dataPath, ds.ioErrorLocked(v, err), "opening for write")
	}
	meta, err := ds.fsys.OpenFile(metaPath, os.O_RDWR, 0)
	if err != nil {
		data.Close()
		return nil, replicaErr(r.Block(), metaPath, ds.ioErrorLocked(v, err), "opening for write")
	}
	hb := make([]byte, MetaHeaderLen)
	var h MetaHeader
	if _, err = meta.ReadAt(hb, 0); err == nil {
		h, err = ParseMetaHeader(hb)
	}
	if err != nil {
		data.Close()
		meta.Close()
		return nil, replicaErr(r.Block(), metaPath, err, "reading the .meta header")
	}
	w := &Writer{ds: ds, vol: v, bpid: bpid, id: r.ID, hdr: h, data: data, meta: meta,
		dataPath: dataPath, onDisk: r.BytesOnDisk, reserved: max(reserve, 0), allocLimit: r.BytesOnDisk + max(reserve, 0)}
	v.reservedForReplicas.Add(w.reserved)
	ds.mu.writers[writerKey{bpid, r.ID}] = w
	return w, nil
}

// ioErrorLocked is ioError for a caller holding ds.mu: the volume is
// failed from another goroutine.
func (ds *Dataset) ioErrorLocked(v *Volume, err error) error {
	if isIOFailure(err) {
		ds.mu.pending = append(ds.mu.pending, pendingFailure{v, err})
		return fmt.Errorf("%w: %w", ErrVolumeFailed, err)
	}
	return err
}

type pendingFailure struct {
	v   *Volume
	err error
}

// unlock releases ds.mu, then fails the volumes that I/O errors under the
// lock condemned.
func (ds *Dataset) unlock() {
	p := ds.mu.pending
	ds.mu.pending = nil
	ds.mu.Unlock()
	for _, f := range p {
		ds.failVolume(f.v, f.err)
	}
}
