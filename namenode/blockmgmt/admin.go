package blockmgmt

import (
	"strconv"
	"time"

	"github.com/hdfsd/hdfsd/namenode/blocks"
)

// Include/exclude lists and the decommission and maintenance monitor
// (HostFileManager, DatanodeAdminManager).

// Hosts is the content of the dfs.hosts, dfs.hosts.exclude and
// maintenance lists. Entries are host names or IP addresses, optionally
// with ":xferPort".
type Hosts struct {
	Include     []string // empty: every node may register
	Exclude     []string // nodes to decommission
	Maintenance []string // nodes to put in maintenance
}

type hostLists struct {
	include, exclude, maintenance map[string]bool
}

func toSet(xs []string) map[string]bool {
	if len(xs) == 0 {
		return nil
	}
	s := make(map[string]bool, len(xs))
	for _, x := range xs {
		s[x] = true
	}
	return s
}

func matches(set map[string]bool, id blocks.DatanodeID) bool {
	port := ":" + strconv.Itoa(id.XferPort)
	for _, h := range []string{id.IPAddr, id.HostName} {
		if h != "" && (set[h] || set[h+port]) {
			return true
		}
	}
	return false
}

func (h *hostLists) included(id blocks.DatanodeID) bool {
	return h.include == nil || matches(h.include, id)
}

// SetHosts replaces the host lists (refreshNodes): nodes no longer
// included are disallowed (their next heartbeat fails), excluded nodes
// start decommissioning, maintenance-listed nodes start entering
// maintenance, and nodes in neither list return to service.
func (m *Manager) SetHosts(h Hosts, now time.Time) {
	m.hosts = hostLists{include: toSet(h.Include), exclude: toSet(h.Exclude), maintenance: toSet(h.Maintenance)}
	t := ms(now)
	for i, n := range m.nodes {
		if n.id.UUID == "" {
			continue
		}
		n.disallowed = !m.hosts.included(n.id)
		m.checkAdmin(i, t)
	}
}

// checkAdmin moves a node's admin state to what the lists say.
func (m *Manager) checkAdmin(i int, t int64) {
	n := m.nodes[i]
	want := blocks.Normal
	switch {
	case matches(m.hosts.exclude, n.id):
		want = blocks.DecommissionInProgress
	case matches(m.hosts.maintenance, n.id):
		want = blocks.EnteringMaintenance
	}
	switch {
	case want == blocks.Normal && n.admin != blocks.Normal:
		n.admin = blocks.Normal
	case want == blocks.DecommissionInProgress && n.admin != blocks.DecommissionInProgress && n.admin != blocks.Decommissioned:
		n.admin = blocks.DecommissionInProgress
	case want == blocks.EnteringMaintenance && n.admin != blocks.EnteringMaintenance && n.admin != blocks.InMaintenance:
		n.admin = blocks.EnteringMaintenance
	default:
		return
	}
	m.racks.dirty = true
	m.recheckNode(n, t)
}

// recheckNode re-evaluates the redundancy of every block on n.
func (m *Manager) recheckNode(n *node, t int64) {
	for _, st := range n.storages {
		for _, s := range m.sortedSlots(st) {
			m.checkRedundancy(s, t)
		}
	}
}

// checkDecommission is the admin monitor: a decommissioning node is done
// when each of its blocks has its expected number of live replicas on
// other nodes; a node entering maintenance when each has
// MaintenanceMinReplication. Blocks still short are (re)queued.
func (m *Manager) checkDecommission(t int64) {
	for _, n := range m.nodes {
		if n.admin != blocks.DecommissionInProgress && n.admin != blocks.EnteringMaintenance {
			continue
		}
		done := true
		for _, st := range n.storages {
			for _, s := range m.sortedSlots(st) {
				if !m.sufficientWithout(s, n.admin) {
					done = false
					m.checkRedundancy(s, t)
				}
			}
		}
		if !done {
			continue
		}
		if n.admin == blocks.DecommissionInProgress {
			n.admin = blocks.Decommissioned
		} else {
			n.admin = blocks.InMaintenance
		}
	}
}

func (m *Manager) sufficientWithout(s uint32, admin blocks.AdminState) bool {
	r := &m.blocks.recs[s]
	live := m.count(s, 0).live
	if r.state != Complete {
		return live >= m.cfg.MinReplication
	}
	if admin == blocks.EnteringMaintenance {
		return live >= min(m.cfg.MaintenanceMinReplication, int(r.expected))
	}
	return live >= int(r.expected)
}
