package datatransfer

import (
	"bytes"
	"errors"
	"io"
	"math/rand"
	"slices"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// The flag layout of PipelineAck.StatusFormat: status in bits 0-3, a
// reserved bit, ECN in bits 5-6, SLOW in bits 7-8.
func TestReplyFlagBits(t *testing.T) {
	for _, tc := range []struct {
		s    hdfspb.Status
		ecn  ECN
		slow Slow
		want Reply
	}{
		{hdfspb.Status_SUCCESS, ECNDisabled, SlowDisabled, 0},
		{hdfspb.Status_SUCCESS, ECNSupported, SlowDisabled, 32},
		{hdfspb.Status_ERROR, ECNCongested, SlowDisabled, 1 | 3<<5},
		{hdfspb.Status_SUCCESS, ECNDisabled, SlowSlow, 256},
		{hdfspb.Status_ERROR_BLOCK_PINNED, ECNSupported2, SlowReserved, 13 | 2<<5 | 3<<7},
	} {
		r := NewReply(tc.s, tc.ecn, tc.slow)
		if r != tc.want || r.Status() != tc.s || r.ECN() != tc.ecn || r.Slow() != tc.slow {
			t.Errorf("%v/%v/%v: %d", tc.s, tc.ecn, tc.slow, r)
		}
	}
	r := NewReply(hdfspb.Status_SUCCESS, ECNCongested, SlowSlow).WithStatus(hdfspb.Status_ERROR_CHECKSUM)
	if r.Status() != hdfspb.Status_ERROR_CHECKSUM || r.ECN() != ECNCongested || r.Slow() != SlowSlow {
		t.Errorf("WithStatus: %v", r)
	}
}

// The ack the last DataNode of conn3 sent for seqno 0.
func TestAckBytesAsHadoopSendsThem(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteAck(&buf, &PipelineAck{Seqno: 0, Replies: []Reply{0}}); err != nil {
		t.Fatal(err)
	}
	want := []byte{0x09, 0x08, 0x00, 0x10, 0x00, 0x18, 0x00, 0x22, 0x01, 0x00}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("% x", buf.Bytes())
	}
}

func TestAckRoundTripAndTruncation(t *testing.T) {
	for _, a := range []PipelineAck{
		{Seqno: 0, Replies: []Reply{0}},
		{Seqno: 12345, Replies: []Reply{NewReply(hdfspb.Status_SUCCESS, ECNSupported, SlowNormal), 0, NewReply(hdfspb.Status_ERROR, 0, 0)}, DownstreamAckTimeNanos: 987654},
		{Seqno: HeartbeatSeqno, Replies: []Reply{0, 0}},
		{Seqno: UnknownSeqno, Replies: []Reply{Reply(hdfspb.Status_OOB_RESTART)}},
	} {
		wire, err := AppendAck(nil, &a)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ReadAck(bytes.NewReader(wire))
		if err != nil || got.Seqno != a.Seqno || got.DownstreamAckTimeNanos != a.DownstreamAckTimeNanos || !slices.Equal(got.Replies, a.Replies) {
			t.Fatalf("%+v: got %+v %v", a, got, err)
		}
		for i := 0; i < len(wire); i++ {
			_, err := ReadAck(bytes.NewReader(wire[:i]))
			if err == nil || (i == 0) != (err == io.EOF) {
				t.Fatalf("%+v: prefix %d: %v", a, i, err)
			}
		}
	}
}

// A sender without flags (before HDFS-7270) still yields one Reply per node.
func TestAckWithoutFlags(t *testing.T) {
	p := &hdfspb.PipelineAckProto{Seqno: proto.Int64(4), Reply: []hdfspb.Status{hdfspb.Status_SUCCESS, hdfspb.Status_ERROR_CHECKSUM}}
	wire, _ := AppendDelimited(nil, p)
	a, err := ReadAck(bytes.NewReader(wire))
	if err != nil || !slices.Equal(a.Replies, []Reply{0, Reply(hdfspb.Status_ERROR_CHECKSUM)}) || a.Success() {
		t.Fatalf("%+v %v", a, err)
	}
	p.Flag = []uint32{0}
	wire, _ = AppendDelimited(nil, p)
	if _, err := ReadAck(bytes.NewReader(wire)); !errors.Is(err, ErrMalformed) {
		t.Fatalf("2 replies with 1 flag: %v", err)
	}
}

func TestAckPrependAndOOB(t *testing.T) {
	down := PipelineAck{Seqno: 7, Replies: []Reply{0, NewReply(hdfspb.Status_ERROR, 0, 0)}, DownstreamAckTimeNanos: 5}
	up := down.Prepend(NewReply(hdfspb.Status_SUCCESS, ECNSupported, 0), 99)
	if up.Seqno != 7 || up.DownstreamAckTimeNanos != 99 || !slices.Equal(up.Replies, []Reply{32, 0, 1}) || up.Success() {
		t.Fatalf("%+v", up)
	}
	if len(down.Replies) != 2 {
		t.Fatal("Prepend changed the downstream ack")
	}
	if _, ok := up.OOBStatus(); ok {
		t.Error("ordinary ack has an OOB status")
	}
	oob := PipelineAck{Seqno: UnknownSeqno, Replies: []Reply{Reply(hdfspb.Status_OOB_RESTART)}}
	if s, ok := oob.OOBStatus(); !ok || s != hdfspb.Status_OOB_RESTART {
		t.Errorf("OOB ack: %v %v", s, ok)
	}
}

func TestRandomBytesNeverPanicAck(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	for i := 0; i < 20000; i++ {
		b := make([]byte, rng.Intn(40))
		rng.Read(b)
		if len(b) > 0 {
			b[0] = byte(len(b) - 1)
		}
		ReadAck(bytes.NewReader(b))
	}
}
