package xceiver

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/hdfsd/hdfsd/datanode/fsdataset"
	"github.com/hdfsd/hdfsd/datatransfer"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// READ_BLOCK at every offset class: the response names the checksum and
// the chunk holding the first byte asked for; the packets cover the range
// from there to the end of the chunk holding the last one.
func TestReadOffsets(t *testing.T) {
	n := startNode(t, nil)
	b := fsdataset.Block{ID: 30, GenStamp: 1}
	data := pattern(200*1024+300, 1) // several 64 KiB packets, a partial last chunk
	writeBlock(t, []*node{n}, b, data)
	size := int64(len(data))
	c := dial(t, n.addr) // one connection: a completed read keeps it open
	for _, tc := range []struct {
		name     string
		off, len int64
	}{
		{"whole block", 0, size},
		{"first byte", 0, 1},
		{"mid-chunk", 700, 100},
		{"across packets", 65000, 70000},
		{"last byte", size - 1, 1},
		{"empty at end", size, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, got := c.readBlock(b, tc.off, tc.len, true)
			info := resp.GetReadOpChecksumInfo()
			chunkOff := tc.off / 512 * 512
			if resp.GetStatus() != hdfspb.Status_SUCCESS || int64(info.GetChunkOffset()) != chunkOff {
				t.Fatalf("response %v, want SUCCESS at chunk offset %d", resp, chunkOff)
			}
			if cs, _ := datatransfer.ChecksumFromProto(info.GetChecksum()); cs != crc32c512 {
				t.Errorf("checksum %v", cs)
			}
			end := min((tc.off+tc.len+511)/512*512, size)
			if !bytes.Equal(got, data[chunkOff:end]) {
				t.Errorf("got %d bytes, want data[%d:%d]", len(got), chunkOff, end)
			}
		})
	}
}

// Packets sent with sendfile carry max(io.file.buffer.size, 64 KiB) of
// data, as BlockSender's TRANSFERTO_BUFFER_SIZE: 64 KiB by default, 1 MiB
// on a cluster tuned to io.file.buffer.size=1048576.
func TestReadPacketSizeFollowsFileBufferSize(t *testing.T) {
	data := pattern(2<<20+1000, 3)
	for _, tc := range []struct {
		bufferSize int
		want       []int
	}{
		{4096, append(slices.Repeat([]int{64 << 10}, 32), 1000)},
		{1 << 20, []int{1 << 20, 1 << 20, 1000}},
		{100000, append(slices.Repeat([]int{100352}, 20), 2<<20+1000-20*100352)}, // 196 chunks of 512
	} {
		t.Run(fmt.Sprint(tc.bufferSize), func(t *testing.T) {
			n := startNode(t, func(c *Config) { c.FileBufferSize = tc.bufferSize })
			b := fsdataset.Block{ID: 35, GenStamp: 1}
			writeBlock(t, []*node{n}, b, data)
			c := dial(t, n.addr)
			if _, got := c.readBlock(b, 0, int64(len(data)), true); !bytes.Equal(got, data) {
				t.Fatalf("read %d bytes, want the %d written", len(got), len(data))
			}
			if !slices.Equal(c.packets, tc.want) {
				t.Fatalf("packets of %v bytes, want %v", c.packets, tc.want)
			}
		})
	}
}

// The checksums a packet carries are those of its own chunks, whatever
// the offset and packet size, though the .meta file is read several
// packets ahead.
func TestReadChecksumsMatchTheirPackets(t *testing.T) {
	data := pattern(3<<20+777, 5)
	for _, bufferSize := range []int{4096, 100000} {
		n := startNode(t, func(c *Config) { c.FileBufferSize = bufferSize })
		b := fsdataset.Block{ID: 37, GenStamp: 1}
		writeBlock(t, []*node{n}, b, data)
		c := dial(t, n.addr)
		for _, r := range []struct{ off, len int64 }{
			{0, int64(len(data))},
			{1234567, 1500000},
			{3<<20 - 5, 700},
			{64<<10*16 - 1, 64<<10*16 + 2}, // from the last chunk of one read-ahead to the first of the one after next
		} {
			chunkOff := r.off / 512 * 512
			end := min((r.off+r.len+511)/512*512, int64(len(data)))
			// readBlock fails the test on a packet whose checksums do not match.
			if _, got := c.readBlock(b, r.off, r.len, true); !bytes.Equal(got, data[chunkOff:end]) {
				t.Errorf("buffer %d, read %d+%d: got %d bytes, want data[%d:%d]", bufferSize, r.off, r.len, len(got), chunkOff, end)
			}
		}
	}
}

// A data file shorter than its replica (cut on disk underneath the
// DataNode) ends the read with an error naming the file's end; the node
// keeps serving.
func TestReadOfACutDataFile(t *testing.T) {
	n := startNode(t, nil)
	b := fsdataset.Block{ID: 38, GenStamp: 1}
	data := pattern(300<<10, 6)
	writeBlock(t, []*node{n}, b, data)
	r, _ := n.ds.Get(testBP, b.ID)
	path, _ := n.ds.Paths(testBP, r)
	if err := os.Truncate(path, 100<<10); err != nil {
		t.Fatal(err)
	}
	c := dial(t, n.addr)
	c.send(datatransfer.OpReadBlock, &hdfspb.OpReadBlockProto{
		Header: datatransfer.ClientHeader(extBlock(testBP, b), "DFSClient_test", nil),
		Offset: new(uint64(0)), Len: new(uint64(len(data))),
	})
	if resp := c.response(); resp.GetStatus() != hdfspb.Status_SUCCESS {
		t.Fatalf("response %v", resp)
	}
	pr := datatransfer.NewPacketReader(c.r)
	var got int
	for {
		p, err := pr.Next()
		if err != nil {
			break // the node closed the connection
		}
		if p.Header.LastPacketInBlock {
			t.Fatal("the read completed past the end of the data file")
		}
		got += len(p.Data)
	}
	if got > 100<<10 {
		t.Errorf("%d bytes arrived from a data file of %d", got, 100<<10)
	}
	waitFor(t, func() bool { return n.s.XceiverCount() == 0 })
	if resp, _ := dial(t, n.addr).readBlock(fsdataset.Block{ID: 99, GenStamp: 1}, 0, 1, true); resp.GetStatus() != hdfspb.Status_ERROR {
		t.Errorf("the node stopped serving: %v", resp)
	}
}

// A range outside the replica is refused with Hadoop's message, and the
// connection closes.
func TestReadBeyondEnd(t *testing.T) {
	n := startNode(t, nil)
	b := fsdataset.Block{ID: 31, GenStamp: 1}
	writeBlock(t, []*node{n}, b, pattern(3000, 1))
	for _, tc := range []struct{ off, len int64 }{{3001, 1}, {2990, 20}} {
		c := dial(t, n.addr)
		resp, _ := c.readBlock(b, tc.off, tc.len, true)
		want := fmt.Sprintf("opReadBlock %s:blk_31_1 received exception java.io.IOException:  Offset %d and length %d don't match block %s:blk_31_1 ( blockLen 3000 )",
			testBP, tc.off, tc.len, testBP)
		if resp.GetStatus() != hdfspb.Status_ERROR || resp.GetMessage() != want {
			t.Errorf("response %v\nwant message %q", resp, want)
		}
		c.expectClosed()
	}
}

// A replica the node does not have: ERROR naming ReplicaNotFoundException.
func TestReadMissingReplica(t *testing.T) {
	n := startNode(t, nil)
	c := dial(t, n.addr)
	resp, _ := c.readBlock(fsdataset.Block{ID: 32, GenStamp: 1}, 0, 10, true)
	if resp.GetStatus() != hdfspb.Status_ERROR || !strings.Contains(resp.GetMessage(), "ReplicaNotFoundException: Replica not found for "+testBP+":blk_32_1") {
		t.Errorf("response %v", resp)
	}
	c.expectClosed()
}

// Without checksums the response says NULL per 512 bytes and the packets
// carry none.
func TestReadWithoutChecksums(t *testing.T) {
	n := startNode(t, nil)
	b := fsdataset.Block{ID: 33, GenStamp: 1}
	data := pattern(5000, 2)
	writeBlock(t, []*node{n}, b, data)
	resp, got := dial(t, n.addr).readBlock(b, 1000, 2000, false)
	cs, _ := datatransfer.ChecksumFromProto(resp.GetReadOpChecksumInfo().GetChecksum())
	if cs.Type != datatransfer.ChecksumNull || cs.BytesPerChecksum != 512 {
		t.Errorf("checksum %v, want NULL/512", cs)
	}
	if !bytes.Equal(got, data[512:3072]) {
		t.Errorf("got %d bytes", len(got))
	}
}

// A reader that stops early is normal: the node closes quietly and keeps
// serving.
func TestReaderClosesEarly(t *testing.T) {
	n := startNode(t, nil)
	b := fsdataset.Block{ID: 34, GenStamp: 1}
	data := pattern(1<<20, 3)
	writeBlock(t, []*node{n}, b, data)
	c := dial(t, n.addr)
	c.send(datatransfer.OpReadBlock, &hdfspb.OpReadBlockProto{
		Header: datatransfer.ClientHeader(extBlock(testBP, b), "DFSClient_test", nil),
		Offset: new(uint64(0)), Len: new(uint64(len(data))),
	})
	c.response()
	c.conn.Close()
	waitFor(t, func() bool { return n.s.XceiverCount() == 0 })
	if _, got := dial(t, n.addr).readBlock(b, 0, int64(len(data)), true); !bytes.Equal(got, data) {
		t.Error("second read differs")
	}
}

// BLOCK_CHECKSUM answers what ComputeBlockChecksum makes of the block's
// data: MD5 of the chunk CRCs or a composite CRC, for the whole block or
// a prefix ending inside a chunk.
func TestBlockChecksum(t *testing.T) {
	n := startNode(t, nil)
	b := fsdataset.Block{ID: 35, GenStamp: 1}
	data := pattern(10*512+77, 4)
	writeBlock(t, []*node{n}, b, data)
	for _, tc := range []struct {
		length int64
		opts   datatransfer.BlockChecksumOptions
	}{
		{int64(len(data)), datatransfer.BlockChecksumOptions{Type: datatransfer.MD5CRC}},
		{1000, datatransfer.BlockChecksumOptions{Type: datatransfer.MD5CRC}},
		{int64(len(data)), datatransfer.BlockChecksumOptions{Type: datatransfer.CompositeCRC}},
		{1000, datatransfer.BlockChecksumOptions{Type: datatransfer.CompositeCRC, StripeLength: 512}},
	} {
		t.Run(fmt.Sprintf("%v %d", tc.opts.Type, tc.length), func(t *testing.T) {
			req := b
			req.NumBytes = tc.length
			c := dial(t, n.addr)
			c.send(datatransfer.OpBlockChecksum, &hdfspb.OpBlockChecksumProto{
				Header: datatransfer.BaseHeader(extBlock(testBP, req), nil), BlockChecksumOptions: tc.opts.Proto()})
			resp := c.response()
			rep := datatransfer.Replica{Checksum: crc32c512, Sums: crc32c512.AppendChecksums(nil, data),
				VisibleLength: int64(len(data)), RequestLength: tc.length}
			if off, k := datatransfer.PartialChunk(crc32c512, rep.VisibleLength, tc.length); k > 0 {
				rep.Tail = data[off : off+int64(k)]
			}
			want, err := datatransfer.ComputeBlockChecksum(rep, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := resp.GetChecksumResponse(); resp.GetStatus() != hdfspb.Status_SUCCESS || !bytes.Equal(got.GetBlockChecksum(), want.Checksum) ||
				got.GetCrcPerBlock() != uint64(want.CRCPerBlock) {
				t.Errorf("response %v, want %x", resp, want.Checksum)
			}
			c.expectClosed()
		})
	}
}

// COPY_BLOCK sends the whole finalized replica like a read, then the char
// 'd' saying the mover slot is free again.
func TestCopyBlock(t *testing.T) {
	n := startNode(t, nil)
	b := fsdataset.Block{ID: 36, GenStamp: 1}
	data := pattern(100000, 5)
	writeBlock(t, []*node{n}, b, data)
	c := dial(t, n.addr)
	c.send(datatransfer.OpCopyBlock, &hdfspb.OpCopyBlockProto{Header: datatransfer.BaseHeader(extBlock(testBP, b), nil)})
	resp := c.response()
	if resp.GetStatus() != hdfspb.Status_SUCCESS || resp.GetReadOpChecksumInfo().GetChunkOffset() != 0 {
		t.Fatalf("response %v", resp)
	}
	var got []byte
	pr := datatransfer.NewPacketReader(c.r)
	for {
		p, err := pr.Next()
		if err != nil {
			t.Fatal(err)
		}
		if err := crc32c512.Verify(p.Data, p.Checksums, p.Header.OffsetInBlock); err != nil {
			t.Fatal(err)
		}
		got = append(got, p.Data...)
		if p.Header.LastPacketInBlock {
			break
		}
	}
	if !bytes.Equal(got, data) {
		t.Errorf("copied %d bytes", len(got))
	}
	var d [2]byte
	if _, err := c.r.Read(d[:1]); err != nil {
		t.Fatal(err)
	}
	c.r.Read(d[1:])
	if d != [2]byte{0, 'd'} {
		t.Errorf("trailer % x, want 00 64", d)
	}
	c.expectClosed()
}
