package datatransfer

import (
	"fmt"
	"io"

	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// UnknownSeqno is the seqno of an out-of-band ack (PipelineAck.UNKOWN_SEQNO).
const UnknownSeqno = -2

// ECN is the congestion signal a DataNode folds into its reply flag.
type ECN uint8

// ECN values.
const (
	ECNDisabled   ECN = 0
	ECNSupported  ECN = 1
	ECNSupported2 ECN = 2
	ECNCongested  ECN = 3
)

// Slow is the slow-node signal a DataNode folds into its reply flag.
type Slow uint8

// Slow values.
const (
	SlowDisabled Slow = 0
	SlowNormal   Slow = 1
	SlowSlow     Slow = 2
	SlowReserved Slow = 3
)

// Reply is one node's entry in an ack: the flag Hadoop sends in
// PipelineAckProto.flag. Bits 0-3 hold the Status, bit 4 is reserved, bits
// 5-6 the ECN and bits 7-8 the Slow value.
type Reply uint32

const (
	replyStatusMask = 0xf
	replyECNShift   = 5
	replySlowShift  = 7
)

// NewReply is PipelineAck.combineHeader.
func NewReply(s hdfspb.Status, ecn ECN, slow Slow) Reply {
	return Reply(uint32(s)&replyStatusMask | uint32(ecn&3)<<replyECNShift | uint32(slow&3)<<replySlowShift)
}

// Status is PipelineAck.getStatusFromHeader.
func (r Reply) Status() hdfspb.Status { return hdfspb.Status(r & replyStatusMask) }

// ECN is PipelineAck.getECNFromHeader.
func (r Reply) ECN() ECN { return ECN(r >> replyECNShift & 3) }

// Slow is PipelineAck.getSLOWFromHeader.
func (r Reply) Slow() Slow { return Slow(r >> replySlowShift & 3) }

// WithStatus is PipelineAck.setStatusForHeader.
func (r Reply) WithStatus(s hdfspb.Status) Reply {
	return r&^replyStatusMask | Reply(uint32(s)&replyStatusMask)
}

func (r Reply) String() string {
	return fmt.Sprintf("%v(ecn=%d,slow=%d)", r.Status(), r.ECN(), r.Slow())
}

// PipelineAck is what each DataNode of a write pipeline sends upstream for
// a packet: its own reply first, then those of the nodes after it.
type PipelineAck struct {
	Seqno                  int64
	Replies                []Reply
	DownstreamAckTimeNanos uint64 // 0 when there is no next node
}

// Success reports whether every reply is SUCCESS.
func (a *PipelineAck) Success() bool {
	for _, r := range a.Replies {
		if r.Status() != hdfspb.Status_SUCCESS {
			return false
		}
	}
	return true
}

// OOBStatus returns the out-of-band status (OOB_RESTART..OOB_RESERVED3) of
// an ack with UnknownSeqno, if any.
func (a *PipelineAck) OOBStatus() (hdfspb.Status, bool) {
	if a.Seqno != UnknownSeqno {
		return 0, false
	}
	for _, r := range a.Replies {
		if s := r.Status(); s >= hdfspb.Status_OOB_RESTART && s <= hdfspb.Status_OOB_RESERVED3 {
			return s, true
		}
	}
	return 0, false
}

// Prepend returns the ack this node sends upstream: mine, then the
// downstream node's replies, with the downstream round-trip time.
func (a *PipelineAck) Prepend(mine Reply, ackTimeNanos uint64) PipelineAck {
	rs := make([]Reply, 0, 1+len(a.Replies))
	rs = append(rs, mine)
	rs = append(rs, a.Replies...)
	return PipelineAck{Seqno: a.Seqno, Replies: rs, DownstreamAckTimeNanos: ackTimeNanos}
}

// Proto converts a to PipelineAckProto, filling reply with each status and
// flag with each whole Reply, as Hadoop's PipelineAck constructor does.
func (a *PipelineAck) Proto() *hdfspb.PipelineAckProto {
	p := &hdfspb.PipelineAckProto{
		Seqno:                  &a.Seqno,
		Reply:                  make([]hdfspb.Status, len(a.Replies)),
		Flag:                   make([]uint32, len(a.Replies)),
		DownstreamAckTimeNanos: &a.DownstreamAckTimeNanos,
	}
	for i, r := range a.Replies {
		p.Reply[i] = r.Status()
		p.Flag[i] = uint32(r)
	}
	return p
}

// AckFromProto converts a PipelineAckProto. Without flags (a sender older
// than HDFS-7270) each reply becomes a Reply with ECN and Slow disabled;
// with flags there must be one per reply, each carrying a defined Status
// (Java could not have built an ack with any other).
func AckFromProto(p *hdfspb.PipelineAckProto) (PipelineAck, error) {
	a := PipelineAck{Seqno: p.GetSeqno(), DownstreamAckTimeNanos: p.GetDownstreamAckTimeNanos()}
	if len(p.Flag) != 0 && len(p.Flag) != len(p.Reply) {
		return a, fmt.Errorf("%w: pipeline ack seqno %d has %d replies but %d flags", ErrMalformed, a.Seqno, len(p.Reply), len(p.Flag))
	}
	for i, s := range p.Reply {
		if _, ok := hdfspb.Status_name[int32(s)]; !ok {
			return a, fmt.Errorf("%w: pipeline ack seqno %d reply %d has unknown status %d", ErrMalformed, a.Seqno, i, s)
		}
		r := NewReply(s, ECNDisabled, SlowDisabled)
		if len(p.Flag) != 0 {
			r = Reply(p.Flag[i])
			if _, ok := hdfspb.Status_name[int32(r.Status())]; !ok {
				return a, fmt.Errorf("%w: pipeline ack seqno %d reply %d has flag %#x with unknown status %d",
					ErrMalformed, a.Seqno, i, uint32(r), r.Status())
			}
		}
		a.Replies = append(a.Replies, r)
	}
	return a, nil
}

// WriteAck writes a varint-delimited PipelineAckProto.
func WriteAck(w io.Writer, a *PipelineAck) error { return WriteDelimited(w, a.Proto()) }

// AppendAck appends a varint-delimited PipelineAckProto.
func AppendAck(b []byte, a *PipelineAck) ([]byte, error) { return AppendDelimited(b, a.Proto()) }

// ReadAck reads a varint-delimited PipelineAckProto. A clean end of stream
// before the first byte is io.EOF.
func ReadAck(r io.Reader) (PipelineAck, error) {
	p := new(hdfspb.PipelineAckProto)
	if err := ReadDelimited(r, p); err != nil {
		return PipelineAck{}, err
	}
	return AckFromProto(p)
}
