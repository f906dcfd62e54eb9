package journalnode

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/journalnode/core"
	"github.com/hdfsd/hdfsd/journalnode/jnrpc"
	pb "github.com/hdfsd/hdfsd/protos/qjournalpb"
)

// syncLoop runs one sync round per interval until ctx ends.
func (d *Daemon) syncLoop(ctx context.Context) {
	t := time.NewTicker(max(d.cfg.SyncInterval, time.Second))
	defer t.Stop()
	round := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for _, j := range d.node.list() {
			d.syncJournal(ctx, j, round)
		}
		round++
	}
}

// others are the peers of jid other than this JournalNode.
func (d *Daemon) others(jid string) []string {
	var out []string
	for _, p := range d.cfg.Peers[jid] {
		if !d.isSelf(p) {
			out = append(out, p)
		}
	}
	return out
}

func (d *Daemon) isSelf(addr string) bool {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port != strconv.Itoa(d.rpcPort()) {
		return false
	}
	ips, err := net.LookupIP(host)
	if err != nil {
		return false
	}
	local, _ := net.InterfaceAddrs()
	for _, ip := range ips {
		if ip.IsLoopback() || ip.IsUnspecified() {
			return true
		}
		for _, a := range local {
			if n, ok := a.(*net.IPNet); ok && n.IP.Equal(ip) {
				return true
			}
		}
	}
	return false
}

// syncJournal asks one peer (in turn) for its finalized segments and
// copies the missing ones.
func (d *Daemon) syncJournal(ctx context.Context, j *journal, round int) {
	peers := d.others(j.id)
	if len(peers) == 0 {
		return
	}
	var si core.StorageInfo
	formatted := false
	j.read(func(c *core.Journal) error { si, formatted = c.Storage(), c.Formatted(); return nil })
	if !formatted {
		return
	}
	peer := peers[round%len(peers)]
	req := &pb.GetEditLogManifestRequestProto{Jid: &pb.JournalIdProto{Identifier: proto.String(j.id)},
		SinceTxId: proto.Uint64(0), InProgressOk: proto.Bool(false)}
	var resp pb.GetEditLogManifestResponseProto
	cctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := d.client.Call(cctx, peer, jnrpc.InterProtocolName, "getEditLogManifestFromJournal", req, &resp); err != nil {
		d.log.Warn("could not get the edit log manifest of a peer", "jid", j.id, "peer", peer, "err", err)
		return
	}
	var remote []core.Segment
	for _, l := range resp.GetManifest().GetLogs() {
		remote = append(remote, core.Segment{Start: int64(l.GetStartTxId()), End: int64(l.GetEndTxId()), InProgress: l.GetIsInProgress()})
	}
	base := peerHTTP(peer, &resp)
	var missing []core.Segment
	j.read(func(c *core.Journal) error { missing = c.Missing(remote); return nil })
	for _, s := range missing {
		u := fmt.Sprintf("%s/getJournal?jid=%s&segmentTxId=%d&storageInfo=%s&inProgressOk=false",
			base, url.QueryEscape(j.id), s.Start, url.QueryEscape(si.ColonString()))
		if err := d.copySegment(cctx, j, u, s); err != nil {
			d.log.Warn("could not copy a segment from a peer", "jid", j.id, "peer", peer, "segment", s.String(), "err", err)
			return
		}
		d.log.Info("copied a missing segment from a peer", "jid", j.id, "peer", peer, "first", s.Start, "last", s.End)
	}
}

// copySegment downloads s into edits.sync/, then, under the journal's
// lock and after checking again that it may, moves it into current/.
func (d *Daemon) copySegment(ctx context.Context, j *journal, u string, s core.Segment) error {
	j.mu.Lock()
	dir := j.mu.dir
	j.mu.Unlock()
	tmp, err := dir.DownloadSynced(ctx, u, s)
	if err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.mu.core == nil || !j.mu.core.SegmentSynced(s) {
		dir.FS().Remove(tmp)
		return nil
	}
	if err := dir.MoveSynced(tmp, s); err != nil {
		j.reloadLocked()
		return err
	}
	return nil
}

// peerHTTP is the peer's HTTP server: the answer's fromURL port on the
// peer's RPC host (a wildcard address in fromURL names no host).
func peerHTTP(peer string, resp *pb.GetEditLogManifestResponseProto) string {
	host, _, _ := net.SplitHostPort(peer)
	port := strconv.Itoa(int(resp.GetHttpPort()))
	if u, err := url.Parse(resp.GetFromURL()); err == nil && u.Port() != "" {
		port = u.Port()
	}
	return "http://" + net.JoinHostPort(host, port)
}
