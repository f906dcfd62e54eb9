package xceiver

import (
	"testing"

	"github.com/hdfsd/hdfsd/datanode/fsdataset"
	"github.com/hdfsd/hdfsd/datatransfer"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

const benchBlock = 64 << 20

// BenchmarkWrite64MiB writes a 64 MiB block through one node on loopback
// in 64 KiB packets with CRC32C checksums (the node is the last of its
// pipeline, so it verifies them), acks read as they come.
func BenchmarkWrite64MiB(b *testing.B) {
	n := startNode(b, nil)
	data := pattern(benchBlock, 1)
	b.SetBytes(benchBlock)
	b.ResetTimer()
	for i := range b.N {
		blk := fsdataset.Block{ID: int64(i + 1), GenStamp: 1}
		p, _ := openPipeline(b, []*node{n}, blk, stageCreate, 1, 0)
		acks := make(chan error, 1)
		go func() {
			for {
				a, err := datatransfer.ReadAck(p.r)
				if err != nil || !a.Success() {
					acks <- err
					return
				}
			}
		}()
		var off int64
		for off < benchBlock {
			p.packet(off, data[off:off+64<<10], false)
			off += 64 << 10
		}
		p.last(off)
		<-acks
		b.StopTimer()
		n.ds.Invalidate(testBP, []fsdataset.Block{blk})
		b.StartTimer()
	}
}

// BenchmarkRead64MiB reads a 64 MiB finalized block from one node on
// loopback (sendfile for the data, checksums from the .meta file); the
// client verifies every checksum, as DFSClient does.
func BenchmarkRead64MiB(b *testing.B) {
	n := startNode(b, nil)
	blk := fsdataset.Block{ID: 1, GenStamp: 1}
	writeBlock(b, []*node{n}, blk, pattern(benchBlock, 2))
	b.SetBytes(benchBlock)
	b.ResetTimer()
	for range b.N {
		c := dial(b, n.addr)
		c.send(datatransfer.OpReadBlock, &hdfspb.OpReadBlockProto{
			Header: datatransfer.ClientHeader(extBlock(testBP, blk), "DFSClient_bench", nil),
			Offset: new(uint64(0)), Len: new(uint64(benchBlock)),
		})
		if resp := c.response(); resp.GetStatus() != hdfspb.Status_SUCCESS {
			b.Fatalf("read %v", resp)
		}
		pr := datatransfer.NewPacketReader(c.r)
		var got int64
		for {
			p, err := pr.Next()
			if err != nil {
				b.Fatal(err)
			}
			if err := crc32c512.Verify(p.Data, p.Checksums, p.Header.OffsetInBlock); err != nil {
				b.Fatal(err)
			}
			got += int64(len(p.Data))
			if p.Header.LastPacketInBlock {
				break
			}
		}
		if got != benchBlock {
			b.Fatalf("read %d bytes", got)
		}
		c.conn.Close()
	}
}
