package blockmgmt

import (
	"sort"
	"strings"
)

// Network topology: a node's location is a path of racks ("/dc1/rack7");
// distances count the hops to the nearest common ancestor, as Hadoop's
// NetworkTopology.getDistance does (same node 0, same rack 2, racks under
// one parent 4, ...).

// rackIndex lists live nodes by rack, rebuilt lazily when membership,
// locations or admin states change.
type rackIndex struct {
	dirty  bool
	names  []string         // sorted
	byRack map[string][]int // node indexes, ascending
	live   []int
}

func (m *Manager) rackIdx() *rackIndex {
	r := &m.racks
	if !r.dirty {
		return r
	}
	r.byRack = make(map[string][]int)
	r.names, r.live = r.names[:0], r.live[:0]
	for i, n := range m.nodes {
		if !n.alive {
			continue
		}
		if _, ok := r.byRack[n.location]; !ok {
			r.names = append(r.names, n.location)
		}
		r.byRack[n.location] = append(r.byRack[n.location], i)
		r.live = append(r.live, i)
	}
	sort.Strings(r.names)
	r.dirty = false
	return r
}

// distance between two locations' leaves: each leaf hangs one level
// under its location path.
func distance(locA string, nodeA int, locB string, nodeB int) int {
	if nodeA >= 0 && nodeA == nodeB {
		return 0
	}
	a := strings.Split(strings.Trim(locA, "/"), "/")
	b := strings.Split(strings.Trim(locB, "/"), "/")
	common := 0
	for common < len(a) && common < len(b) && a[common] == b[common] {
		common++
	}
	return len(a) - common + len(b) - common + 2
}

func (m *Manager) nodeDistance(a, b int) int {
	return distance(m.nodes[a].location, a, m.nodes[b].location, b)
}

// client is a reader or writer: a DataNode (node >= 0) or a host with a
// resolved location.
type client struct {
	node     int
	location string
}

// clientFor finds the live DataNode at host (IP or host name), else
// resolves host's location. An empty host is nowhere (node -1, no
// location).
func (m *Manager) clientFor(host string) client {
	if host == "" {
		return client{node: -1}
	}
	for i, n := range m.nodes {
		if n.alive && (n.id.IPAddr == host || n.id.HostName == host) {
			return client{node: i, location: n.location}
		}
	}
	loc := m.resolve(host)
	if loc == "" {
		loc = m.cfg.DefaultRack
	}
	return client{node: -1, location: loc}
}

func (m *Manager) clientDistance(c client, n int) int {
	if c.location == "" {
		return 0
	}
	return distance(c.location, c.node, m.nodes[n].location, n)
}
