package conf

import (
	"fmt"
	"strings"
)

// NameserviceIDs returns the nameservices of dfs.nameservices, trimmed,
// without empties or duplicates; nil when there is no federation/HA
// naming (Hadoop's getNameServiceIds).
func NameserviceIDs(c *Conf) []string { return c.GetStringSet(KeyNameservices) }

// NameNodeIDs returns dfs.ha.namenodes.<nsID> (dfs.ha.namenodes when nsID
// is ""); nil when the nameservice has a single unnamed NameNode.
func NameNodeIDs(c *Conf, nsID string) []string {
	return c.GetStringSet(SuffixKey(KeyHANameNodesPrefix, nsID))
}

// SuffixKey returns key.s1.s2..., skipping empty suffixes (Hadoop's
// addKeySuffixes with null suffixes).
func SuffixKey(key string, suffixes ...string) string {
	for _, s := range suffixes {
		if s != "" {
			key += "." + s
		}
	}
	return key
}

// GetSuffixed returns the first of key.nsID.nnID, key.nsID and key that has
// a value: the order in which a NameNode (and ZKFC) picks its own settings
// (DFSUtil.setGenericConf).
func (c *Conf) GetSuffixed(key, nsID, nnID string) (string, bool) {
	if v, ok := c.Get(SuffixKey(key, nsID, nnID)); ok {
		return v, true
	}
	if v, ok := c.Get(SuffixKey(key, nsID)); ok {
		return v, true
	}
	return c.Get(key)
}

// ForNameNode returns a copy of c as NameNode nnID of nameservice nsID sees
// it after start-up (NameNode.initializeGenericKeys): the per-NameNode and
// per-nameservice forms of the NameNode keys copied to the plain keys, and
// fs.defaultFS pointing at the RPC address.
func (c *Conf) ForNameNode(nsID, nnID string) *Conf {
	n := c.Clone()
	if nsID != "" || nnID != "" {
		if nsID != "" {
			n.Set(KeyNameserviceID, nsID)
		}
		if nnID != "" {
			n.Set(KeyHANameNodeID, nnID)
		}
		n.setGeneric(nsID, nnID, nameNodeSpecificKeys)
		n.setGeneric(nsID, "", nameserviceSpecificKeys)
	}
	if rpc, ok := n.Get(KeyNameNodeRPCAddress); ok {
		n.Set(KeyDefaultFS, "hdfs://"+rpc)
	}
	return n
}

func (c *Conf) setGeneric(nsID, nnID string, keys []string) {
	for _, key := range keys {
		if v, ok := c.Get(SuffixKey(key, nsID, nnID)); ok {
			c.Set(key, v)
		} else if v, ok := c.Get(SuffixKey(key, nsID)); ok {
			c.Set(key, v)
		}
	}
}

// LocalNameserviceID returns the nameservice this node serves (DFSUtil.
// getNamenodeNameServiceId): dfs.nameservice.id, else the only configured
// nameservice, else the one whose NameNode RPC address is local. "" means
// none (no federation, or no match).
func LocalNameserviceID(c *Conf, n Network) (string, error) {
	if v, ok := c.Get(KeyNameserviceID); ok {
		return v, nil
	}
	if ids := NameserviceIDs(c); len(ids) == 1 {
		return ids[0], nil
	}
	nnID, _ := c.Get(KeyHANameNodeID)
	ns, _, err := localSuffixIDs(c, n, KeyNameNodeRPCAddress, "", nnID)
	return ns, err
}

// LocalNameNodeID returns this node's NameNode id within nsID (HAUtil.
// getNameNodeId): dfs.ha.namenode.id, else the NameNode whose RPC address
// is local; "" when none matches.
func LocalNameNodeID(c *Conf, nsID string, n Network) (string, error) {
	if v, ok := c.GetTrimmed(KeyHANameNodeID); ok {
		return v, nil
	}
	_, nn, err := localSuffixIDs(c, n, KeyNameNodeRPCAddress, nsID, "")
	return nn, err
}

// LocalNameNode returns the nameservice and NameNode ids of this node, as a
// NameNode or ZKFC determines them at start-up.
func LocalNameNode(c *Conf, n Network) (nsID, nnID string, err error) {
	if nsID, err = LocalNameserviceID(c, n); err != nil {
		return "", "", err
	}
	nnID, err = LocalNameNodeID(c, nsID, n)
	return nsID, nnID, err
}

// localSuffixIDs finds the nameservice and NameNode whose addressKey
// address resolves to a local address (DFSUtil.getSuffixIDs). Unparsable
// or unresolvable addresses are skipped; more than one match is an error.
func localSuffixIDs(c *Conf, n Network, addressKey, knownNS, knownNN string) (string, string, error) {
	var ns, nn string
	found := 0
	for _, nsID := range orUnnamed(NameserviceIDs(c)) {
		if knownNS != "" && knownNS != nsID {
			continue
		}
		for _, nnID := range orUnnamed(NameNodeIDs(c, nsID)) {
			if knownNN != "" && knownNN != nnID {
				continue
			}
			if isLocalAddress(c, n, SuffixKey(addressKey, nsID, nnID)) {
				ns, nn = nsID, nnID
				found++
			}
		}
	}
	if found > 1 {
		return "", "", hadoopErrorf(ErrAmbiguousLocal, "Configuration has multiple addresses that match local node's address. Please configure the system with %s and %s", KeyNameserviceID, KeyHANameNodeID)
	}
	return ns, nn, nil
}

func isLocalAddress(c *Conf, n Network, key string) bool {
	v, ok := c.Get(key)
	if !ok {
		return false
	}
	a, err := ParseAddr(v, -1)
	if err != nil {
		c.mu.Lock()
		c.warnLocked(fmt.Sprintf("conf: %s: %v", key, err))
		c.mu.Unlock()
		return false
	}
	ip, ok := resolve(n, a.Host)
	return ok && n.IsLocal(ip)
}

// orUnnamed is Hadoop's emptyAsSingletonNull: an empty id list stands for
// one unnamed entry.
func orUnnamed(ids []string) []string {
	if len(ids) == 0 {
		return []string{""}
	}
	return ids
}

// javaList formats ids as Java's Collection.toString: "[a, b]".
func javaList(ids []string) string { return "[" + strings.Join(ids, ", ") + "]" }
