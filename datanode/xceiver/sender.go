package xceiver

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/hdfsd/hdfsd/datanode/fsdataset"
	"github.com/hdfsd/hdfsd/datanode/throttle"
	"github.com/hdfsd/hdfsd/datatransfer"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// maxPacketData is how much block data one packet carries when the data
// passes through the DataNode's memory (to verify it, or when it is not in
// a plain file), in whole chunks. It is also the least a packet sent with
// sendfile(2) carries (BlockSender's MIN_BUFFER_WITH_TRANSFERTO).
const maxPacketData = 64 << 10

// rbwWait is how long a read of a replica being written waits for the
// bytes it asks for to reach the disk (ReplicaInPipeline.waitForMinLength).
const rbwWait = 3 * time.Second

// sender streams a range of a local replica as packets (BlockSender):
// READ_BLOCK, COPY_BLOCK and the sending side of transfers.
type sender struct {
	s      *Server
	bpid   string
	b      fsdataset.Block
	rd     *fsdataset.Reader
	cs     datatransfer.DataChecksum // what the packets carry: NULL when no checksums are sent
	sums   bool                      // checksums are read from the .meta file and sent
	verify bool                      // check the data against them before sending
	offset int64                     // next byte to send; starts at the chunk holding the requested offset
	end    int64
	// recalcLast: the last chunk sent is partial and its stored checksum
	// may cover more bytes than are sent (a replica being written).
	recalcLast bool
	seqno      int64
	sentAll    bool
	buf        []byte // a packet's header and checksums, and its data when not sent with sendfile
	sumBuf     []byte // checksums read from the .meta file, of the chunks from sumFirst
	sumFirst   int64
	// throttle, when set, paces the packets (balancer moves, transfers).
	throttle *throttle.Throttler
	cache    readCache // read-ahead and drop-behind; see useCache
}

// useCache sets the OS cache policy of the read from a CachingStrategy
// (nil: the DataNode's settings alone).
func (snd *sender) useCache(cs *hdfspb.CachingStrategyProto) {
	ra := int64(-1)
	if cs != nil && cs.Readahead != nil {
		ra = cs.GetReadahead()
	}
	dropSet := cs != nil && cs.DropBehind != nil
	snd.cache = newReadCache(snd.offset, snd.end, ra, snd.s.cfg.Readahead, dropSet, cs.GetDropBehind(), snd.s.cfg.DropCacheBehindReads)
}

// newSender opens b for sending length bytes from start (length < 0: to
// the visible end). It fails as BlockSender's constructor does.
func (s *Server) newSender(bpid string, b fsdataset.Block, start, length int64, sendChecksum, verify bool) (*sender, error) {
	s.waitForMinLength(bpid, b.ID, start+max(length, 0))
	rd, err := s.ds.OpenRead(bpid, b)
	if err != nil {
		return nil, err
	}
	snd := &sender{s: s, bpid: bpid, b: b, rd: rd, verify: verify, sums: sendChecksum || verify}
	if err := snd.init(start, length); err != nil {
		rd.Close()
		return nil, err
	}
	return snd, nil
}

func (snd *sender) init(start, length int64) error {
	rd := snd.rd
	r := rd.Replica
	snd.b.GenStamp = r.GenStamp
	end := r.BytesOnDisk
	if r.State == fsdataset.Finalized {
		end = r.NumBytes
	}
	if length < 0 {
		length = rd.VisibleLength()
	}
	if start < 0 || start > end || length > end-start {
		return opErr(ErrRefused, "READ "+extName(snd.bpid, snd.b),
			" Offset %d and length %d don't match block %s ( blockLen %d )", start, length, extName(snd.bpid, snd.b), end)
	}
	snd.cs = datatransfer.DataChecksum{Type: datatransfer.ChecksumNull, BytesPerChecksum: 512}
	if snd.sums {
		snd.cs = datatransfer.DataChecksum{Type: datatransfer.ChecksumType(rd.Header.Type), BytesPerChecksum: int(rd.Header.BytesPerChecksum)}
	}
	chunk := int64(snd.cs.BytesPerChecksum)
	snd.offset = start - start%chunk
	if stop := (start + length + chunk - 1) / chunk * chunk; stop < end {
		end = stop
	} else {
		snd.recalcLast = r.State != fsdataset.Finalized && end%chunk != 0
	}
	snd.end = end
	return nil
}

// waitForMinLength gives a replica being written up to rbwWait to have n
// bytes on disk.
func (s *Server) waitForMinLength(bpid string, id, n int64) {
	deadline := time.Now().Add(rbwWait)
	for {
		r, ok := s.ds.Get(bpid, id)
		if !ok || r.State != fsdataset.RBW || r.BytesOnDisk >= n || time.Now().After(deadline) {
			return
		}
		select {
		case <-s.ctx.Done():
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func (snd *sender) close() error { return snd.rd.Close() }

// storageID is the volume of the replica being sent.
func (snd *sender) storageID() string { return snd.s.ds.VolumeOf(snd.rd.Replica).StorageID() }

// send writes the packets, the empty last one included, to out; when tc
// is the connection under out, data goes from the file to the socket with
// sendfile(2). It returns the data and checksum bytes sent.
func (snd *sender) send(out *bufio.Writer, tc *tconn) (int64, error) {
	chunk := int64(snd.cs.BytesPerChecksum)
	file, _ := snd.rd.Data.(*os.File)
	zeroCopy := tc != nil && file != nil && !snd.verify
	maxData := max(maxPacketData/chunk, 1) * chunk
	if zeroCopy { // BlockSender: numberOfChunks(TRANSFERTO_BUFFER_SIZE)
		maxData = (max(int64(snd.s.cfg.FileBufferSize), maxPacketData) + chunk - 1) / chunk * chunk
	}
	var total int64
	for snd.offset < snd.end {
		n := min(snd.end-snd.offset, maxData)
		if file != nil {
			snd.cache.before(snd.offset, snd.end).apply(file)
		}
		sent, err := snd.sendPacket(out, tc, file, n, zeroCopy)
		if err != nil {
			return total, err
		}
		total += sent
		snd.offset += n
		snd.seqno++
		if file != nil {
			snd.cache.after(snd.offset, snd.offset >= snd.end).apply(file)
		}
		if snd.throttle != nil {
			if err := snd.throttle.Throttle(snd.s.ctx, sent); err != nil {
				return total, err
			}
		}
	}
	if _, err := snd.sendPacket(out, tc, file, 0, false); err != nil {
		return total, err
	}
	if err := out.Flush(); err != nil {
		return total, err
	}
	snd.sentAll = true
	return total, nil
}

func (snd *sender) sendPacket(out *bufio.Writer, tc *tconn, file *os.File, n int64, zeroCopy bool) (int64, error) {
	sums, err := snd.readSums(n)
	if err != nil {
		return 0, err
	}
	h := datatransfer.PacketHeader{OffsetInBlock: snd.offset, Seqno: snd.seqno, LastPacketInBlock: n == 0, DataLen: int32(n)}
	hdr := datatransfer.AppendPacketHeader(snd.buf[:0], h, len(sums))
	hdr = append(hdr, sums...)
	if !zeroCopy {
		start, need := len(hdr), len(hdr)+int(n)
		if cap(hdr) < need {
			hdr = append(make([]byte, 0, need), hdr...)
		}
		hdr = hdr[:need]
		data := hdr[start:]
		if err := snd.readData(data, snd.offset); err != nil {
			return 0, err
		}
		if snd.verify && len(sums) > 0 {
			if err := snd.cs.Verify(data, sums, snd.offset); err != nil {
				return 0, opErr(fmt.Errorf("%w: %w", ErrChecksum, err), "sending "+extName(snd.bpid, snd.b),
					"Checksum failed at %d for replica: %s", snd.offset, snd.rd.Replica)
			}
		}
		snd.buf = hdr
		_, err := out.Write(hdr)
		return int64(len(sums)) + n, err
	}
	snd.buf = hdr
	if out.Buffered() == 0 {
		m, ok, err := tc.sendPacketFromFile(hdr, file, snd.offset, n)
		if ok {
			if err == io.ErrUnexpectedEOF {
				err = snd.localErr(err, "the data file ends at %d", snd.offset+m)
			}
			return int64(len(sums)) + m, err
		}
	}
	if _, err := out.Write(hdr); err != nil {
		return 0, err
	}
	if err := out.Flush(); err != nil {
		return 0, err
	}
	if _, err := file.Seek(snd.offset, io.SeekStart); err != nil {
		return 0, snd.localErr(err, "seeking")
	}
	m, err := tc.ReadFrom(&io.LimitedReader{R: file, N: n})
	if err == nil && m != n {
		err = snd.localErr(io.ErrUnexpectedEOF, "the data file ends at %d", snd.offset+m)
	}
	return int64(len(sums)) + m, err
}

// readSums reads the checksums of the n bytes at snd.offset, recomputing
// the last one when the replica is still being written.
func (snd *sender) readSums(n int64) ([]byte, error) {
	if !snd.sums || snd.cs.Size() == 0 || n == 0 {
		return nil, nil
	}
	chunk := int64(snd.cs.BytesPerChecksum)
	k := (n + chunk - 1) / chunk
	size := int64(snd.cs.Size())
	sums, err := snd.sumWindow(snd.offset/chunk, k)
	if err != nil {
		return nil, err
	}
	if snd.recalcLast && snd.offset+n == snd.end {
		start := (snd.end - 1) / chunk * chunk
		tail := make([]byte, snd.end-start)
		if err := snd.readData(tail, start); err != nil {
			return nil, err
		}
		binary.BigEndian.PutUint32(sums[len(sums)-int(size):], snd.cs.Type.Checksum(tail))
	}
	return sums, nil
}

// sumReadAhead is how many packets' checksums one read of the .meta file
// fetches.
const sumReadAhead = 16

// sumWindow returns the stored checksums of k chunks from chunk first,
// reading the .meta file for several packets at a time (never past the
// end of the range being sent).
func (snd *sender) sumWindow(first, k int64) ([]byte, error) {
	size := int64(snd.cs.Size())
	have := int64(len(snd.sumBuf)) / size
	if first < snd.sumFirst || first+k > snd.sumFirst+have {
		chunk := int64(snd.cs.BytesPerChecksum)
		last := min(first+k*sumReadAhead, (snd.end+chunk-1)/chunk)
		n := max(last-first, k) * size
		if int64(cap(snd.sumBuf)) < n {
			snd.sumBuf = make([]byte, n)
		}
		snd.sumBuf = snd.sumBuf[:n]
		snd.sumFirst = first
		if _, err := snd.rd.Meta.ReadAt(snd.sumBuf, fsdataset.MetaHeaderLen+first*size); err != nil {
			snd.sumBuf = snd.sumBuf[:0]
			return nil, snd.localErr(err, "reading checksums at %d", first*chunk)
		}
	}
	at := (first - snd.sumFirst) * size
	return snd.sumBuf[at : at+k*size], nil
}

func (snd *sender) readData(b []byte, off int64) error {
	if _, err := snd.rd.Data.ReadAt(b, off); err != nil {
		return snd.localErr(err, "reading %d bytes at %d", len(b), off)
	}
	return nil
}

// localErr wraps an error reading the local replica.
func (snd *sender) localErr(err error, format string, args ...any) error {
	return opErr(err, "reading "+extName(snd.bpid, snd.b)+" from "+snd.rd.DataPath, format, args...)
}

// reportIfCorrupt tells the NameNode about a local replica that failed
// its checksum or could not be read (DataNode.handleBadBlock).
func (snd *sender) reportIfCorrupt(err error) {
	if errors.Is(err, ErrChecksum) || errors.Is(err, syscall.EIO) {
		snd.s.log.Warn("xceiver: local replica is corrupt", "block", extName(snd.bpid, snd.b), "err", err)
		snd.s.n.BadReplica(snd.bpid, snd.rd.Replica.Block(), snd.storageID())
	}
}
