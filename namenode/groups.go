package namenode

import (
	"os/user"
	"sync"
	"time"
)

// Groups resolves a user's groups as Hadoop's default mapping
// (ShellBasedUnixGroupsMapping, `id -gn; id -Gn`) does on this host: the
// primary group first, then the others, each once. Results are cached for
// hadoop.security.groups.cache.secs (300 s); a user without groups is
// remembered for hadoop.security.groups.negative-cache.secs (30 s).
type Groups struct {
	lookup   func(name string) []string
	ttl, neg time.Duration
	now      func() time.Time

	mu    sync.Mutex
	cache map[string]groupsEntry
}

type groupsEntry struct {
	groups  []string
	expires time.Time
}

// NewGroups returns a cache over the host's user database. lookup may be
// nil for the host's; tests pass their own.
func NewGroups(lookup func(string) []string, ttl, negTTL time.Duration) *Groups {
	if lookup == nil {
		lookup = hostGroups
	}
	return &Groups{lookup: lookup, ttl: ttl, neg: negTTL, now: time.Now, cache: map[string]groupsEntry{}}
}

// Of returns name's groups.
func (g *Groups) Of(name string) []string {
	now := g.now()
	g.mu.Lock()
	e, ok := g.cache[name]
	g.mu.Unlock()
	if ok && now.Before(e.expires) {
		return e.groups
	}
	gs := g.lookup(name)
	ttl := g.ttl
	if len(gs) == 0 {
		ttl = g.neg
	}
	g.mu.Lock()
	g.cache[name] = groupsEntry{gs, now.Add(ttl)}
	g.mu.Unlock()
	return gs
}

// hostGroups reads the user and group databases (what `id` reads).
func hostGroups(name string) []string {
	u, err := user.Lookup(name)
	if err != nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	add := func(gid string) {
		g, err := user.LookupGroupId(gid)
		if err != nil || seen[g.Name] {
			return
		}
		seen[g.Name] = true
		out = append(out, g.Name)
	}
	add(u.Gid)
	if ids, err := u.GroupIds(); err == nil {
		for _, id := range ids {
			add(id)
		}
	}
	return out
}
