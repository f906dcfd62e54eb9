package blocklist

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// minEntryBytes is the smallest encoding of one replica: four 1-byte varints.
const minEntryBytes = 4

// AppendReplica appends r's buffer-form encoding to dst.
func AppendReplica(dst []byte, r Replica) []byte {
	dst = protowire.AppendVarint(dst, protowire.EncodeZigZag(r.ID))
	dst = protowire.AppendVarint(dst, uint64(r.NumBytes))
	dst = protowire.AppendVarint(dst, uint64(r.GenStamp))
	return protowire.AppendVarint(dst, uint64(r.State))
}

// Encode returns the single-buffer form of rs (BlockListAsLongs.getBlocksBuffer).
func Encode(rs []Replica) []byte {
	buf := make([]byte, 0, len(rs)*16)
	for _, r := range rs {
		buf = AppendReplica(buf, r)
	}
	return buf
}

// Split cuts an encoded buffer into the blocksBuffers Hadoop sends: the
// whole buffer when it is at most ChunkSize bytes (an empty buffer is one
// empty entry), else ChunkSize pieces and a shorter tail. The pieces share
// buf's memory.
func Split(buf []byte) [][]byte {
	if len(buf) <= ChunkSize {
		return [][]byte{buf}
	}
	out := make([][]byte, 0, (len(buf)+ChunkSize-1)/ChunkSize)
	for pos := 0; pos < len(buf); pos += ChunkSize {
		out = append(out, buf[pos:min(pos+ChunkSize, len(buf))])
	}
	return out
}

// EncodeBuffers returns the numberOfBlocks and blocksBuffers fields for rs.
func EncodeBuffers(rs []Replica) (numberOfBlocks uint64, buffers [][]byte) {
	return uint64(len(rs)), Split(Encode(rs))
}

// DecodeBuffers decodes numberOfBlocks replicas from the concatenation of
// buffers. Bytes after the last replica are ignored, as Hadoop does.
func DecodeBuffers(numberOfBlocks uint64, buffers [][]byte) ([]Replica, error) {
	var buf []byte
	if len(buffers) == 1 {
		buf = buffers[0]
	} else {
		for _, b := range buffers {
			buf = append(buf, b...)
		}
	}
	return Decode(numberOfBlocks, buf)
}

// Decode decodes numberOfBlocks replicas from one buffer.
func Decode(numberOfBlocks uint64, buf []byte) ([]Replica, error) {
	if numberOfBlocks > uint64(len(buf)/minEntryBytes) {
		return nil, fmt.Errorf("%w: %d blocks in %d bytes", ErrCount, numberOfBlocks, len(buf))
	}
	out := make([]Replica, 0, numberOfBlocks)
	for i := uint64(0); i < numberOfBlocks; i++ {
		var v [4]uint64
		for j := range v {
			x, n := protowire.ConsumeVarint(buf)
			if n < 0 {
				return nil, fmt.Errorf("%w: block %d of %d", ErrTruncated, i, numberOfBlocks)
			}
			v[j], buf = x, buf[n:]
		}
		st := ReplicaState(v[3] & stateMask)
		if !st.Valid() {
			return nil, fmt.Errorf("%w %d in block %d", ErrBadState, v[3]&stateMask, i)
		}
		out = append(out, Replica{
			ID:       protowire.DecodeZigZag(v[0]),
			NumBytes: int64(v[1] & numBytesMask),
			GenStamp: int64(v[2]),
			State:    st,
		})
	}
	return out, nil
}
