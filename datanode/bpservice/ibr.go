package bpservice

import "time"

// pendingIBRs is Hadoop's IncrementalBlockReportManager without the
// waiting: the replica events not yet reported, per storage, at most one
// per block id across all storages.
type pendingIBRs struct {
	interval    time.Duration
	storages    []Storage
	events      map[string][]BlockEvent // by storage UUID, in arrival order
	readyToSend bool
	lastIBR     time.Time // zero: long ago
}

func newPendingIBRs(interval time.Duration) pendingIBRs {
	return pendingIBRs{interval: interval, events: map[string][]BlockEvent{}}
}

// add records ev for storage, replacing an older event for the same block.
func (p *pendingIBRs) add(s Storage, ev BlockEvent) {
	for uuid, evs := range p.events {
		if i := indexOfBlock(evs, ev.Block.ID); i >= 0 {
			p.events[uuid] = append(evs[:i:i], evs[i+1:]...)
			break
		}
	}
	if _, ok := p.events[s.UUID]; !ok {
		p.storages = append(p.storages, s)
	}
	p.events[s.UUID] = append(p.events[s.UUID], ev)
}

func indexOfBlock(evs []BlockEvent, id int64) int {
	for i, e := range evs {
		if e.Block.ID == id {
			return i
		}
	}
	return -1
}

// sendImmediately says whether an incremental report is due without
// waiting for a heartbeat.
func (p *pendingIBRs) sendImmediately(now time.Time) bool {
	return p.readyToSend && (p.lastIBR.IsZero() || now.Sub(p.lastIBR) >= p.interval)
}

// take removes and returns every pending event, storage by storage.
func (p *pendingIBRs) take() []StorageIBR {
	var out []StorageIBR
	for _, s := range p.storages {
		if evs := p.events[s.UUID]; len(evs) > 0 {
			out = append(out, StorageIBR{Storage: s, Blocks: evs})
			p.events[s.UUID] = nil
		}
	}
	p.readyToSend = false
	return out
}

// putBack returns the events of a failed report, except for blocks that
// got a newer event meanwhile.
func (p *pendingIBRs) putBack(reports []StorageIBR) {
	for _, r := range reports {
		for _, ev := range r.Blocks {
			if !p.has(ev.Block.ID) {
				p.add(r.Storage, ev)
			}
		}
	}
	if len(reports) > 0 {
		p.readyToSend = true
	}
}

func (p *pendingIBRs) has(id int64) bool {
	for _, evs := range p.events {
		if indexOfBlock(evs, id) >= 0 {
			return true
		}
	}
	return false
}

func (p *pendingIBRs) clear() {
	p.storages = nil
	p.events = map[string][]BlockEvent{}
}
