package bench

import (
	"context"

	"github.com/hdfsd/hdfsd/namenode/editlog"
	"github.com/hdfsd/hdfsd/qjournal/client"
)

// segWriter writes segments the way FSEditLog does: the segment's
// START_LOG_SEGMENT op alone in the first batch, OP_END_LOG_SEGMENT before
// finalizing. The payload ops are OP_SET_GENSTAMP_V2.
type segWriter struct {
	m   *client.Manager
	s   *client.Stream
	buf []byte
}

func (w *segWriter) record(code editlog.Opcode, txid uint64) []byte {
	op := editlog.NewOp(code)
	op.TxID = int64(txid)
	op.GenStamp = int64(txid)
	b, err := editlog.AppendRecord(nil, &op, editlog.CurrentLayoutVersion)
	if err != nil {
		panic(err) // the two opcodes used here always encode
	}
	return b
}

func (w *segWriter) start(ctx context.Context, txid uint64) error {
	s, err := w.m.StartLogSegment(ctx, txid, editlog.CurrentLayoutVersion)
	if err != nil {
		return err
	}
	w.s = s
	s.Write(txid, w.record(editlog.OpStartLogSegment, txid))
	return s.Flush(ctx)
}

func (w *segWriter) journal(ctx context.Context, first uint64, n int) error {
	for i := 0; i < n; i++ {
		txid := first + uint64(i)
		if err := w.s.Write(txid, w.record(editlog.OpSetGenstampV2, txid)); err != nil {
			return err
		}
	}
	return w.s.Flush(ctx)
}

// roll ends the segment with OP_END_LOG_SEGMENT at txid, finalizes it and
// purges the segments before it.
func (w *segWriter) roll(ctx context.Context, txid uint64) error {
	seg := w.s.Segment()
	w.s.Write(txid, w.record(editlog.OpEndLogSegment, txid))
	if err := w.s.Finalize(ctx); err != nil {
		return err
	}
	w.s = nil
	return w.m.PurgeLogsOlderThan(ctx, seg)
}
