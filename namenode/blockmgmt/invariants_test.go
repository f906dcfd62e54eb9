package blockmgmt

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// checkInvariants verifies the cross-references the Manager keeps:
// storage slot sets mirror block replicas, counters match a recount,
// queue membership matches the records.
func checkInvariants(t *testing.T, m *Manager) {
	t.Helper()
	var safe, complete int64
	replicas := 0
	for s := range m.blocks.recs {
		r := &m.blocks.recs[s]
		if r.expected == 0 {
			continue
		}
		if got, ok := m.blocks.index[r.id]; !ok || got != uint32(s) {
			t.Fatalf("blk_%d: index points to %d, record at %d", r.id, got, s)
		}
		for _, st := range m.blocks.replicas(uint32(s), nil) {
			replicas++
			if _, ok := m.storages[st].blocks[uint32(s)]; !ok {
				t.Fatalf("blk_%d on storage %d missing from its set", r.id, st)
			}
		}
		if r.state == Complete {
			complete++
		}
		if r.flags&flagSafe != 0 {
			safe++
		}
		if r.queue != 0 {
			if _, ok := m.needed.q[r.queue-1].seq[uint32(s)]; !ok {
				t.Fatalf("blk_%d: queue %d not holding it", r.id, r.queue-1)
			}
		}
		for _, x := range m.corrupt[uint32(s)] {
			if !m.blocks.hasReplica(uint32(s), x.st) {
				t.Fatalf("blk_%d: corrupt replica on %d not stored", r.id, x.st)
			}
		}
	}
	inSets := 0
	for _, s := range m.storages {
		inSets += len(s.blocks)
	}
	expect(t, "replicas in storage sets", inSets, replicas)
	expect(t, "complete total", m.completeTotal, complete)
	expect(t, "safe total", m.safeTotal, safe)
	for l := range m.needed.q {
		for s := range m.needed.q[l].seq {
			expect(t, "queue level", int(m.blocks.recs[s].queue), l+1)
		}
	}
}

// TestRandomOperationsKeepInvariants drives a cluster with seeded random
// writes, deaths, restarts, reports, replication changes, deletions and
// decommissions, and checks the invariants after each step.
func TestRandomOperationsKeepInvariants(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 99))
			c := newCluster(t, DefaultConfig(), "/a", "/a", "/b", "/b", "/c", "/c")
			next := int64(1)
			var live []int64
			for step := 0; step < 300; step++ {
				switch op := r.IntN(10); {
				case op < 3:
					usable := 0
					for _, n := range c.m.nodes {
						if n.alive && n.inService() {
							usable++
						}
					}
					if usable == 0 {
						continue
					}
					c.write(next, 1+r.IntN(4), "")
					live = append(live, next)
					next++
				case op == 3 && len(live) > 0:
					k := r.IntN(len(live))
					c.m.RemoveBlock(live[k])
					live = append(live[:k], live[k+1:]...)
				case op == 4 && len(live) > 0:
					c.m.SetReplication(live[r.IntN(len(live))], 1+r.IntN(5), c.now)
				case op == 5:
					// a node goes silent long enough to die
					victim := c.names[r.IntN(len(c.names))]
					c.advance(631 * time.Second)
					c.heartbeatAll(victim)
					c.m.Tick(c.now)
				case op == 6:
					// dead nodes come back and report nothing
					for _, n := range c.names {
						if !c.m.nodes[c.m.byUUID["uuid-"+n]].alive {
							c.m.Register(Registration{ID: c.id(n)}, c.now)
							c.fullReport(n)
						}
					}
				case op == 7 && len(live) > 0:
					n := c.names[r.IntN(len(c.names))]
					if c.m.nodes[c.m.byUUID["uuid-"+n]].alive {
						c.m.ReportBadBlock(live[r.IntN(len(live))], 1000, "uuid-"+n, "DS-"+n, c.now)
					}
				case op == 8:
					if r.IntN(2) == 0 {
						c.m.SetHosts(Hosts{Exclude: []string{c.names[r.IntN(len(c.names))]}}, c.now)
					} else {
						c.m.SetHosts(Hosts{}, c.now)
					}
				default:
					c.m.ComputeWork(c.now)
					c.runTransfers()
					c.invalidations()
					c.m.Tick(c.now)
				}
				checkInvariants(t, c.m)
			}
			// Everyone back in service: the cluster converges to the
			// expected replication for every block not lost.
			for _, n := range c.names {
				if !c.m.nodes[c.m.byUUID["uuid-"+n]].alive {
					c.m.Register(Registration{ID: c.id(n)}, c.now)
					c.fullReport(n)
				}
			}
			c.m.SetHosts(Hosts{}, c.now)
			// Rounds of 3 s with every command carried out; transfers lost
			// earlier (heartbeatAll drops commands) time out after 300 s.
			for range 200 {
				c.advance(3 * time.Second)
				c.m.Tick(c.now)
				c.m.ComputeWork(c.now)
				c.runTransfers() // heartbeats carry out transfers; deletions are dropped
			}
			checkInvariants(t, c.m)
			for _, id := range live {
				s, _ := c.m.blocks.lookup(id)
				cnt := c.m.count(s, 0)
				if cnt.live == 0 {
					continue // lost
				}
				want := min(int(c.m.blocks.recs[s].expected), len(c.names))
				if cnt.live != want || cnt.corrupt != 0 {
					t.Errorf("blk_%d: %d live %d corrupt, want %d live (holders %v, queue %d)", id, cnt.live, cnt.corrupt, want, c.holders(id), c.m.QueueOf(id))
				}
			}
		})
	}
}
