package datatransfer

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/internal/golden"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// The captures of scenario c: Hadoop 3.3.2's FsShell putting, getting,
// tailing and checksumming a 3 MiB file (3 blocks) on a 3-DataNode cluster.
const captureDir = "hadoop-3.3.2/captures/c-client-dn-data-transfer"

type conn struct {
	name     string // connN-<client port>-<server port>
	c2s, s2c []byte
}

// loadConns reads every connection of the capture, unzipping .bin.gz.
func loadConns(t testing.TB) []conn {
	t.Helper()
	dir := golden.Path(t, captureDir)
	names, err := filepath.Glob(filepath.Join(dir, "conn*.c2s.bin*"))
	if err != nil || len(names) == 0 {
		t.Skipf("no captures in %s: %v", dir, err)
	}
	var conns []conn
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(n), ".gz"), ".c2s.bin")
		conns = append(conns, conn{
			name: base,
			c2s:  golden.ReadMaybeGzip(t, filepath.Join(dir, base+".c2s.bin")),
			s2c:  golden.ReadMaybeGzip(t, filepath.Join(dir, base+".s2c.bin")),
		})
	}
	sort.Slice(conns, func(i, j int) bool { return connNum(conns[i].name) < connNum(conns[j].name) })
	return conns
}

func connNum(name string) int {
	n := 0
	for _, c := range strings.TrimPrefix(name, "conn") {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// stream tracks how far a decoder got into a capture, so the bytes of each
// frame can be compared with what the encoder makes of the decoded value.
type stream struct {
	*bytes.Reader
	all []byte
}

func newStream(b []byte) *stream { return &stream{bytes.NewReader(b), b} }
func (s *stream) pos() int       { return len(s.all) - s.Len() }

func (s *stream) expectEnd(t *testing.T, what string) {
	t.Helper()
	if s.Len() != 0 {
		t.Errorf("%s: %d bytes left after the last frame", what, s.Len())
	}
}

// replayed is what the capture replay learned about the file.
type replayed struct {
	written   map[uint64][]byte // block id -> data the client wrote (conn with 2 targets)
	sums      map[uint64][]byte // block id -> packet checksums, as the DN stores them
	read      map[uint64][]byte // block id -> data READ_BLOCK returned from offset 0
	tail      []byte            // data of the -tail read
	tailBlock uint64
	tailOff   int64
	checksums map[uint64]*hdfspb.OpBlockChecksumResponseProto
	// block id -> the DataNode's whole BLOCK_CHECKSUM answer
	checksumFrames map[uint64][]byte
	order          []uint64 // block ids in file order
}

func TestReplayCaptures(t *testing.T) {
	conns := loadConns(t)
	r := &replayed{
		written: map[uint64][]byte{}, sums: map[uint64][]byte{}, read: map[uint64][]byte{},
		checksums: map[uint64]*hdfspb.OpBlockChecksumResponseProto{}, checksumFrames: map[uint64][]byte{},
	}
	for _, c := range conns {
		t.Run(c.name, func(t *testing.T) { r.replay(t, c) })
	}
	t.Run("block checksums", func(t *testing.T) { r.checkBlockChecksums(t) })
	t.Run("file checksum", func(t *testing.T) { r.checkFileChecksum(t) })
	t.Run("reads", func(t *testing.T) { r.checkReads(t) })
}

func (r *replayed) replay(t *testing.T, c conn) {
	in := newStream(c.c2s)
	op, msg, err := ReadRequest(in)
	if err != nil {
		t.Fatalf("request: %v", err)
	}
	// Re-encoding the decoded request gives Hadoop's bytes back.
	if again, err := AppendRequest(nil, op, msg); err != nil || !bytes.Equal(again, c.c2s[:in.pos()]) {
		t.Errorf("%v request re-encodes differently (%v)", op, err)
	}
	out := newStream(c.s2c)
	switch op {
	case OpWriteBlock:
		r.replayWrite(t, msg.(*hdfspb.OpWriteBlockProto), in, out)
	case OpReadBlock:
		r.replayRead(t, msg.(*hdfspb.OpReadBlockProto), in, out)
	case OpBlockChecksum:
		r.replayChecksum(t, msg.(*hdfspb.OpBlockChecksumProto), in, out)
	default:
		t.Fatalf("unexpected op %v", op)
	}
}

func (r *replayed) replayWrite(t *testing.T, req *hdfspb.OpWriteBlockProto, in, out *stream) {
	cs, err := ChecksumFromProto(req.GetRequestedChecksum())
	if err != nil || cs != (DataChecksum{ChecksumCRC32C, 512}) {
		t.Fatalf("requested checksum %v %v", cs, err)
	}
	blk := req.GetHeader().GetBaseHeader().GetBlock()
	data, sums, seqnos := readPackets(t, in, cs, 0)
	in.expectEnd(t, "c2s")
	if int64(len(data)) != int64(blk.GetNumBytes()) && blk.GetNumBytes() != 0 {
		t.Logf("block %d: numBytes %d, wrote %d", blk.GetBlockId(), blk.GetNumBytes(), len(data))
	}
	if len(req.GetTargets()) == 2 { // the client's own connection, head of the pipeline
		r.written[blk.GetBlockId()] = data
		r.sums[blk.GetBlockId()] = sums
		r.order = append(r.order, blk.GetBlockId())
	} else if prev, ok := r.written[blk.GetBlockId()]; ok && !bytes.Equal(prev, data) {
		t.Errorf("block %d: the mirrored data differs from what the client sent", blk.GetBlockId())
	}

	resp, err := ReadBlockOpResponse(out)
	if err != nil || CheckBlockOpStatus(resp, "write") != nil {
		t.Fatalf("response %v %v", resp, err)
	}
	if want, _ := AppendDelimited(nil, WriteBlockResponse(hdfspb.Status_SUCCESS, "")); !bytes.Equal(want, out.all[:out.pos()]) {
		t.Errorf("WriteBlockResponse encodes as % x, Hadoop sent % x", want, out.all[:out.pos()])
	}
	for i := 0; ; i++ {
		start := out.pos()
		ack, err := ReadAck(out)
		if err == io.EOF {
			if i != len(seqnos) {
				t.Errorf("%d acks for %d packets", i, len(seqnos))
			}
			break
		}
		if err != nil {
			t.Fatalf("ack %d: %v", i, err)
		}
		if i >= len(seqnos) || ack.Seqno != seqnos[i] {
			t.Fatalf("ack %d has seqno %d", i, ack.Seqno)
		}
		if len(ack.Replies) != len(req.GetTargets())+1 || !ack.Success() {
			t.Errorf("ack %d: replies %v for %d targets", i, ack.Replies, len(req.GetTargets()))
		}
		if again, _ := AppendAck(nil, &ack); !bytes.Equal(again, out.all[start:out.pos()]) {
			t.Errorf("ack %d re-encodes as % x, was % x", i, again, out.all[start:out.pos()])
		}
	}
}

// readPackets reads packets up to the last one, verifying every checksum and
// that each packet re-encodes to the bytes Hadoop sent.
func readPackets(t *testing.T, s *stream, cs DataChecksum, base int64) (data, sums []byte, seqnos []int64) {
	t.Helper()
	pr := NewPacketReader(s)
	next := base
	prevSeqno := int64(-2)
	for {
		p, err := pr.Next()
		if err != nil {
			t.Fatalf("packet %d: %v", len(seqnos), err)
		}
		h := p.Header
		if prevSeqno == -2 { // a client's seqnos run on across the blocks of a file
			prevSeqno = h.Seqno - 1
		}
		if !h.Sane(prevSeqno) {
			t.Errorf("packet %+v fails the sanity check", h)
		}
		if h.OffsetInBlock != next {
			t.Errorf("packet seqno %d at offset %d, want %d", h.Seqno, h.OffsetInBlock, next)
		}
		if err := cs.Verify(p.Data, p.Checksums, h.OffsetInBlock); err != nil {
			t.Errorf("packet seqno %d: %v", h.Seqno, err)
		}
		if len(p.Checksums) != cs.ChecksumLen(len(p.Data)) {
			t.Errorf("packet seqno %d: %d checksum bytes for %d data bytes", h.Seqno, len(p.Checksums), len(p.Data))
		}
		if again, _ := AppendPacket(nil, h, p.Checksums, p.Data); !bytes.Equal(again, p.Raw) {
			t.Errorf("packet seqno %d re-encodes differently", h.Seqno)
		}
		data = append(data, p.Data...)
		sums = append(sums, p.Checksums...)
		seqnos = append(seqnos, h.Seqno)
		prevSeqno = h.Seqno
		next += int64(len(p.Data))
		if h.LastPacketInBlock {
			return data, sums, seqnos
		}
	}
}

func (r *replayed) replayRead(t *testing.T, req *hdfspb.OpReadBlockProto, in, out *stream) {
	status, err := ReadClientReadStatus(in)
	if err != nil || status != hdfspb.Status_CHECKSUM_OK {
		t.Errorf("client read status %v %v", status, err)
	}
	in.expectEnd(t, "c2s")
	resp, err := ReadBlockOpResponse(out)
	if err != nil || CheckBlockOpStatus(resp, "read") != nil {
		t.Fatalf("response %v %v", resp, err)
	}
	info := resp.GetReadOpChecksumInfo()
	cs, err := ChecksumFromProto(info.GetChecksum())
	if err != nil {
		t.Fatal(err)
	}
	off := int64(info.GetChunkOffset())
	if want, _ := AppendDelimited(nil, ReadBlockResponse(cs, off)); !bytes.Equal(want, out.all[:out.pos()]) {
		t.Errorf("ReadBlockResponse encodes as % x, Hadoop sent % x", want, out.all[:out.pos()])
	}
	if off > int64(req.GetOffset()) || off%int64(cs.BytesPerChecksum) != 0 {
		t.Errorf("chunk offset %d for requested offset %d", off, req.GetOffset())
	}
	data, _, _ := readPackets(t, out, cs, off)
	out.expectEnd(t, "s2c")
	if end := off + int64(len(data)); end < int64(req.GetOffset()+req.GetLen()) {
		t.Errorf("read ends at %d, requested up to %d", end, req.GetOffset()+req.GetLen())
	}
	id := req.GetHeader().GetBaseHeader().GetBlock().GetBlockId()
	if req.GetOffset() == 0 {
		r.read[id] = data
	} else {
		r.tail, r.tailBlock, r.tailOff = data, id, off
	}
}

func (r *replayed) replayChecksum(t *testing.T, req *hdfspb.OpBlockChecksumProto, in, out *stream) {
	in.expectEnd(t, "c2s")
	resp, err := ReadBlockOpResponse(out)
	if err != nil || CheckBlockOpStatus(resp, "checksum") != nil {
		t.Fatalf("response %v %v", resp, err)
	}
	out.expectEnd(t, "s2c")
	r.checksums[req.GetHeader().GetBlock().GetBlockId()] = resp.GetChecksumResponse()
	r.checksumFrames[req.GetHeader().GetBlock().GetBlockId()] = out.all
}

// The MD5 our block-checksum code computes from the written packets equals
// what each DataNode answered to BLOCK_CHECKSUM, field for field.
func (r *replayed) checkBlockChecksums(t *testing.T) {
	if len(r.checksums) != 3 || len(r.written) != 3 {
		t.Fatalf("%d checksums and %d written blocks", len(r.checksums), len(r.written))
	}
	cs := DataChecksum{ChecksumCRC32C, 512}
	for id, want := range r.checksums {
		data := r.written[id]
		n := int64(len(data))
		sums := cs.AppendChecksums(nil, data)
		if !bytes.Equal(sums, r.sums[id]) {
			t.Errorf("block %d: recomputed CRCs differ from the packets'", id)
		}
		got, err := ComputeBlockChecksum(Replica{Checksum: cs, Sums: r.sums[id], VisibleLength: n, RequestLength: n}, OptionsFromProto(want.GetBlockChecksumOptions()))
		if err != nil {
			t.Fatal(err)
		}
		if !proto.Equal(got.Proto(), want) {
			t.Errorf("block %d: computed %v, DataNode said %v", id, got.Proto(), want)
		}
		if frame, _ := AppendDelimited(nil, BlockChecksumResponse(got)); !bytes.Equal(frame, r.checksumFrames[id]) {
			t.Errorf("block %d: our answer % x, the DataNode's % x", id, frame, r.checksumFrames[id])
		}
	}
}

var checksumLine = regexp.MustCompile(`(?m)^(\S+)\t(MD5-of-\S+|COMPOSITE-\S+)\t([0-9a-f]+)$`)

// The MD5-of-MD5 file checksum matches `hdfs dfs -checksum`.
func (r *replayed) checkFileChecksum(t *testing.T) {
	log, err := os.ReadFile(golden.Path(t, "hadoop-3.3.2/captures-commands.log"))
	if err != nil {
		t.Skip(err)
	}
	m := checksumLine.FindSubmatch(log)
	if m == nil {
		t.Skip("no -checksum line in captures-commands.log")
	}
	var blocks []*BlockChecksum
	for _, id := range r.order {
		b, err := BlockChecksumFromProto(r.checksums[id])
		if err != nil {
			t.Fatal(err)
		}
		blocks = append(blocks, b)
	}
	f, err := CombineMD5CRC(blocks)
	if err != nil {
		t.Fatal(err)
	}
	if f.AlgorithmName() != string(m[2]) || f.Hex() != string(m[3]) {
		t.Errorf("file checksum %s %s, hdfs dfs -checksum said %s %s", f.AlgorithmName(), f.Hex(), m[2], m[3])
	}
}

// What READ_BLOCK returned is what WRITE_BLOCK stored.
func (r *replayed) checkReads(t *testing.T) {
	for id, data := range r.read {
		if !bytes.Equal(data, r.written[id]) {
			t.Errorf("block %d: read data differs from written data", id)
		}
	}
	w := r.written[r.tailBlock]
	if r.tail == nil || int(r.tailOff)+len(r.tail) > len(w) || !bytes.Equal(r.tail, w[r.tailOff:r.tailOff+int64(len(r.tail))]) {
		t.Errorf("tail read of block %d at %d does not match the written data", r.tailBlock, r.tailOff)
	}
}

// The headers our helpers build are the ones Hadoop's client sent.
func TestHeadersMatchCapturedReadRequest(t *testing.T) {
	for _, c := range loadConns(t) {
		op, msg, err := ReadRequest(newStream(c.c2s))
		if err != nil || op != OpReadBlock {
			continue
		}
		req := msg.(*hdfspb.OpReadBlockProto)
		h := req.GetHeader()
		built := ClientHeader(h.GetBaseHeader().GetBlock(), h.GetClientName(), nil)
		if !proto.Equal(built, h) {
			t.Errorf("%s: built %v, Hadoop sent %v", c.name, built, h)
		}
		return
	}
	t.Fatal("no READ_BLOCK in the captures")
}
