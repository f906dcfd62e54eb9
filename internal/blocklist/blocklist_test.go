package blocklist

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func randomReplicas(r *rand.Rand, n int) []Replica {
	rs := make([]Replica, n)
	for i := range rs {
		rs[i] = Replica{
			ID:       r.Int64() - math.MaxInt64/2,
			NumBytes: r.Int64N(1 << 48),
			GenStamp: r.Int64N(1 << 40),
			State:    ReplicaState(r.IntN(5)),
		}
		if r.IntN(4) == 0 {
			rs[i].ID = 1073741825 + int64(i) // the usual sequential ids
		}
	}
	return rs
}

// finalizedFirst orders rs the way the legacy form reports them.
func finalizedFirst(rs []Replica) []Replica {
	var f, o []Replica
	for _, r := range rs {
		if r.State == Finalized {
			f = append(f, r)
		} else {
			o = append(o, r)
		}
	}
	return append(f, o...)
}

func TestBufferRoundTrip(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 1))
	for _, n := range []int{0, 1, 2, 7, 100, 5000, 20000} {
		rs := randomReplicas(r, n)
		num, bufs := EncodeBuffers(rs)
		got, err := DecodeBuffers(num, bufs)
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if !slices.Equal(got, rs) && !(n == 0 && len(got) == 0) {
			t.Fatalf("n=%d: round trip differs", n)
		}
	}
}

func TestSplitLikeHadoop(t *testing.T) {
	if got := Split(nil); len(got) != 1 || len(got[0]) != 0 {
		t.Fatalf("empty buffer split into %d pieces, want one empty", len(got))
	}
	for _, size := range []int{1, ChunkSize - 1, ChunkSize, ChunkSize + 1, 3*ChunkSize + 17} {
		buf := make([]byte, size)
		for i := range buf {
			buf[i] = byte(i)
		}
		parts := Split(buf)
		want := max(1, (size+ChunkSize-1)/ChunkSize)
		if len(parts) != want {
			t.Fatalf("size %d: %d parts, want %d", size, len(parts), want)
		}
		for i, p := range parts[:len(parts)-1] {
			if len(p) != ChunkSize {
				t.Fatalf("size %d: part %d has %d bytes", size, i, len(p))
			}
		}
		if !slices.Equal(slices.Concat(parts...), buf) {
			t.Fatalf("size %d: parts do not concatenate to the buffer", size)
		}
	}
}

func TestBufferSplitMidEntry(t *testing.T) {
	rs := randomReplicas(rand.New(rand.NewPCG(7, 7)), 9000)
	num, bufs := EncodeBuffers(rs)
	if len(bufs) < 2 {
		t.Fatalf("want a multi-buffer report, got %d buffers", len(bufs))
	}
	got, err := DecodeBuffers(num, bufs)
	if err != nil || !slices.Equal(got, rs) {
		t.Fatalf("decode of split buffers: %v", err)
	}
}

func TestBufferMasksUpperBits(t *testing.T) {
	// Hadoop keeps the upper 16 bits of the length and the upper 60 bits of
	// the state for later use: a decoder masks them off.
	buf := AppendReplica(nil, Replica{ID: -5, NumBytes: -1, GenStamp: 9, State: 0x30 | RBW})
	got, err := Decode(1, buf)
	if err != nil {
		t.Fatal(err)
	}
	want := Replica{ID: -5, NumBytes: 1<<48 - 1, GenStamp: 9, State: RBW}
	if got[0] != want {
		t.Fatalf("got %+v, want %+v", got[0], want)
	}
}

func TestBufferEveryTruncationRejected(t *testing.T) {
	rs := randomReplicas(rand.New(rand.NewPCG(3, 3)), 40)
	buf := Encode(rs)
	for i := range len(buf) {
		if _, err := Decode(uint64(len(rs)), buf[:i]); err == nil {
			t.Fatalf("prefix of %d/%d bytes decoded", i, len(buf))
		}
	}
}

func TestBufferHostileCounts(t *testing.T) {
	for _, n := range []uint64{1, 1 << 20, math.MaxUint64} {
		_, err := Decode(n, []byte{0, 0, 0})
		if !errors.Is(err, ErrCount) {
			t.Fatalf("count %d over 3 bytes: %v, want ErrCount", n, err)
		}
	}
	if _, err := Decode(1, []byte{0, 0, 0, 9}); !errors.Is(err, ErrBadState) {
		t.Fatalf("state 9: %v, want ErrBadState", err)
	}
}

func TestLongsRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 11))
	for _, n := range []int{0, 1, 3, 50} {
		rs := randomReplicas(r, n)
		longs := EncodeLongs(rs)
		got, err := DecodeLongs(longs)
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if want := finalizedFirst(rs); !slices.Equal(got, want) && !(n == 0 && len(got) == 0) {
			t.Fatalf("n=%d: got %v, want %v", n, got, want)
		}
	}
}

func TestLongsLayout(t *testing.T) {
	rs := []Replica{
		{ID: 10, NumBytes: 100, GenStamp: 1000},
		{ID: 11, NumBytes: 5, GenStamp: 1001, State: RBW},
		{ID: 12, NumBytes: 200, GenStamp: 1002},
	}
	m1 := ^uint64(0)
	want := []uint64{2, 1, 10, 100, 1000, 12, 200, 1002, m1, m1, m1, 11, 5, 1001, 1}
	if got := EncodeLongs(rs); !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if got := EncodeLongs(nil); !slices.Equal(got, []uint64{0, 0, m1, m1, m1}) {
		t.Fatalf("empty report: got %v", got)
	}
}

func TestLongsTruncationsAndHostile(t *testing.T) {
	rs := randomReplicas(rand.New(rand.NewPCG(5, 5)), 30)
	longs := EncodeLongs(rs)
	nuc := longs[1]
	for i := 1; i < len(longs); i++ {
		_, err := DecodeLongs(longs[:i])
		// With no under-construction replicas the delimiter is optional.
		if err == nil && !(nuc == 0 && i >= len(longs)-3) {
			t.Fatalf("prefix of %d/%d longs decoded", i, len(longs))
		}
	}
	bad := slices.Clone(longs)
	bad[2+3*longs[0]] = 7
	if _, err := DecodeLongs(bad); nuc > 0 && !errors.Is(err, ErrBadDelimiter) {
		t.Fatalf("bad delimiter: %v", err)
	}
	for _, h := range [][]uint64{{math.MaxUint64, 0, 1, 2}, {0, math.MaxUint64 / 2, 1}, {1 << 62, 1 << 62}} {
		if _, err := DecodeLongs(h); !errors.Is(err, ErrCount) {
			t.Fatalf("%v: %v, want ErrCount", h, err)
		}
	}
}

func TestDecodeReportPicksTheForm(t *testing.T) {
	rs := []Replica{{ID: 1, NumBytes: 2, GenStamp: 3}}
	n, bufs := EncodeBuffers(rs)
	if got, err := DecodeReport(&n, nil, bufs); err != nil || !slices.Equal(got, rs) {
		t.Fatalf("buffer form: %v %v", got, err)
	}
	if got, err := DecodeReport(nil, EncodeLongs(rs), nil); err != nil || !slices.Equal(got, rs) {
		t.Fatalf("legacy form: %v %v", got, err)
	}
	if _, err := DecodeReport(&n, EncodeLongs(rs), bufs); !errors.Is(err, ErrMixed) {
		t.Fatalf("both forms: %v, want ErrMixed", err)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(uint64(2), Encode([]Replica{{ID: 1, NumBytes: 2, GenStamp: 3}, {ID: -1, State: RUR}}))
	f.Add(uint64(1), []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, n uint64, b []byte) {
		rs, err := Decode(n, b)
		if err != nil {
			return
		}
		if uint64(len(rs)) != n {
			t.Fatalf("decoded %d replicas, asked %d", len(rs), n)
		}
		again, err := Decode(n, Encode(rs))
		if err != nil || !slices.Equal(again, rs) {
			t.Fatalf("re-encode round trip: %v", err)
		}
		longs := make([]uint64, 0, len(b)/8)
		for i := 0; i+8 <= len(b); i += 8 {
			longs = append(longs, uint64(b[i])|uint64(b[i+1])<<8|uint64(b[i+7])<<56)
		}
		DecodeLongs(longs) // must not panic
	})
}

func FuzzDecodeLongs(f *testing.F) {
	f.Add([]byte{2, 1, 10, 100, 1, 12, 200, 2, 255, 255, 255, 11, 5, 3, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		longs := make([]uint64, len(b))
		for i, x := range b {
			longs[i] = uint64(x)
			if x == 255 {
				longs[i] = ^uint64(0)
			}
		}
		rs, err := DecodeLongs(longs)
		if err != nil {
			return
		}
		if len(b) >= 2 && uint64(len(rs)) != longs[0]+longs[1] {
			t.Fatalf("decoded %d replicas, header says %d+%d", len(rs), longs[0], longs[1])
		}
	})
}
