package dfswriter

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/hdfsd/hdfsd/datatransfer"
	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// ReadFile reads a whole file back: getBlockLocations, then READ_BLOCK
// of each block from the first location that serves it, checksums
// verified. It is the reader the writer's tests check with.
func ReadFile(ctx context.Context, rpc *hadooprpc.Client, nameNode, src string) ([]byte, error) {
	lbs, err := Locations(ctx, rpc, nameNode, src)
	if err != nil {
		return nil, err
	}
	var out []byte
	for _, lb := range lbs.GetBlocks() {
		var errs []error
		for _, loc := range lb.GetLocs() {
			data, err := readBlock(ctx, xferAddr(loc), lb.GetB())
			if err == nil {
				out = append(out, data...)
				errs = nil
				break
			}
			errs = append(errs, err)
		}
		if errs != nil || len(lb.GetLocs()) == 0 {
			return nil, fmt.Errorf("dfswriter: no location of %s could be read: %w", blockName(lb.GetB()), errors.Join(errs...))
		}
	}
	return out, nil
}

// Locations is getBlockLocations for the whole of src.
func Locations(ctx context.Context, rpc *hadooprpc.Client, nameNode, src string) (*hdfspb.LocatedBlocksProto, error) {
	resp := new(hdfspb.GetBlockLocationsResponseProto)
	err := rpc.Call(ctx, nameNode, protocol, "getBlockLocations",
		&hdfspb.GetBlockLocationsRequestProto{Src: new(src), Offset: new(uint64(0)), Length: new(uint64(1 << 62))}, resp)
	if err != nil {
		return nil, fmt.Errorf("dfswriter: getBlockLocations %s: %w", src, err)
	}
	return resp.GetLocations(), nil
}

// readBlock is one READ_BLOCK of a whole replica.
func readBlock(ctx context.Context, addr string, b *hdfspb.ExtendedBlockProto) ([]byte, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	in, out := bufio.NewReader(conn), bufio.NewWriter(conn)
	err = datatransfer.WriteRequest(out, datatransfer.OpReadBlock, &hdfspb.OpReadBlockProto{
		Header: datatransfer.ClientHeader(b, "dfswriter-reader", nil),
		Offset: new(uint64(0)), Len: new(b.GetNumBytes()), SendChecksums: new(true)})
	if err == nil {
		err = out.Flush()
	}
	if err != nil {
		return nil, err
	}
	resp, err := datatransfer.ReadBlockOpResponse(in)
	if err != nil {
		return nil, err
	}
	if err := datatransfer.CheckBlockOpStatus(resp, "read "+blockName(b)+" from "+addr); err != nil {
		return nil, err
	}
	cs, err := datatransfer.ChecksumFromProto(resp.GetReadOpChecksumInfo().GetChecksum())
	if err != nil {
		return nil, err
	}
	var data []byte
	pr := datatransfer.NewPacketReader(in)
	for {
		p, err := pr.Next()
		if err != nil {
			return nil, err
		}
		if p.Header.LastPacketInBlock || p.Header.DataLen == 0 {
			break
		}
		if p.Header.OffsetInBlock != int64(len(data)) {
			return nil, fmt.Errorf("dfswriter: %s from %s: packet at %d after %d bytes", blockName(b), addr, p.Header.OffsetInBlock, len(data))
		}
		if err := cs.Verify(p.Data, p.Checksums, p.Header.OffsetInBlock); err != nil {
			return nil, err
		}
		data = append(data, p.Data...)
	}
	// The DataNode sends whole chunks: the last may go past the length.
	if int64(len(data)) < int64(b.GetNumBytes()) {
		return nil, fmt.Errorf("dfswriter: %s from %s: %d bytes, expected %d", blockName(b), addr, len(data), b.GetNumBytes())
	}
	data = data[:b.GetNumBytes()]
	if err := datatransfer.WriteClientReadStatus(out, hdfspb.Status_CHECKSUM_OK); err == nil {
		_ = out.Flush()
	}
	return data, nil
}
