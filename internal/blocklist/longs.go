package blocklist

import "fmt"

const delimiter = ^uint64(0) // -1 as a uint64

// EncodeLongs returns the legacy form of rs: the two counts, the finalized
// replicas (id, length, genstamp) in their order, the -1,-1,-1 delimiter,
// then the others (id, length, genstamp, state) in their order.
func EncodeLongs(rs []Replica) []uint64 {
	nf := 0
	for _, r := range rs {
		if r.State == Finalized {
			nf++
		}
	}
	nuc := len(rs) - nf
	out := make([]uint64, 2+3*(nf+1)+4*nuc)
	out[0], out[1] = uint64(nf), uint64(nuc)
	fi, ui := 2, 2+3*nf
	out[ui], out[ui+1], out[ui+2] = delimiter, delimiter, delimiter
	ui += 3
	for _, r := range rs {
		if r.State == Finalized {
			out[fi], out[fi+1], out[fi+2] = uint64(r.ID), uint64(r.NumBytes), uint64(r.GenStamp)
			fi += 3
			continue
		}
		out[ui], out[ui+1], out[ui+2], out[ui+3] = uint64(r.ID), uint64(r.NumBytes), uint64(r.GenStamp), uint64(r.State)
		ui += 4
	}
	return out
}

// DecodeLongs decodes the legacy form. An empty list is an empty report.
// The delimiter is checked only when under-construction replicas follow,
// as Hadoop's LongsDecoder does.
func DecodeLongs(longs []uint64) ([]Replica, error) {
	if len(longs) == 0 {
		return nil, nil
	}
	if len(longs) < 2 {
		return nil, fmt.Errorf("%w: %d longs, no header", ErrTruncated, len(longs))
	}
	nf, nuc := longs[0], longs[1]
	room := uint64(len(longs) - 2)
	if nf > room/3 || nuc > room/4 {
		return nil, fmt.Errorf("%w: %d finalized and %d other blocks in %d longs", ErrCount, nf, nuc, len(longs))
	}
	need := 3 * nf
	if nuc > 0 {
		need += 3 + 4*nuc
	}
	if need > room {
		return nil, fmt.Errorf("%w: %d finalized and %d other blocks in %d longs", ErrCount, nf, nuc, len(longs))
	}
	body := longs[2:]
	out := make([]Replica, 0, nf+nuc)
	for i := uint64(0); i < nf; i++ {
		v := body[3*i:]
		out = append(out, Replica{ID: int64(v[0]), NumBytes: int64(v[1]), GenStamp: int64(v[2])})
	}
	if nuc == 0 {
		return out, nil
	}
	d := body[3*nf:]
	if d[0] != delimiter || d[1] != delimiter || d[2] != delimiter {
		return nil, fmt.Errorf("%w: %d,%d,%d", ErrBadDelimiter, int64(d[0]), int64(d[1]), int64(d[2]))
	}
	uc := d[3:]
	for i := uint64(0); i < nuc; i++ {
		v := uc[4*i:]
		if v[3] >= uint64(len(stateNames)) {
			return nil, fmt.Errorf("%w %d in block %d", ErrBadState, v[3], nf+i)
		}
		out = append(out, Replica{ID: int64(v[0]), NumBytes: int64(v[1]), GenStamp: int64(v[2]), State: ReplicaState(v[3])})
	}
	return out, nil
}

// DecodeReport decodes one StorageBlockReportProto's block list the way the
// NameNode's translator does: the buffer form when numberOfBlocks is
// present (then the legacy list must be empty), else the legacy form.
func DecodeReport(numberOfBlocks *uint64, blocks []uint64, buffers [][]byte) ([]Replica, error) {
	if numberOfBlocks == nil {
		return DecodeLongs(blocks)
	}
	if len(blocks) != 0 {
		return nil, ErrMixed
	}
	return DecodeBuffers(*numberOfBlocks, buffers)
}
