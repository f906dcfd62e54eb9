package conf

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// NameNode is one NameNode of a nameservice with the addresses it serves,
// each taken from key.<ns>.<nn>, key.<ns> or key, as the NameNode itself
// reads them. A zero Addr means not configured.
type NameNode struct {
	ID         string // "" when the nameservice has a single unnamed NameNode
	RPC        Addr   // dfs.namenode.rpc-address (fs.defaultFS when unset and not HA)
	ServiceRPC Addr   // dfs.namenode.servicerpc-address
	Lifeline   Addr   // dfs.namenode.lifeline.rpc-address
	HTTP       Addr   // dfs.namenode.http-address
	HTTPS      Addr   // dfs.namenode.https-address
}

// Nameservice is one nameservice of the cluster (the single unnamed one
// when dfs.nameservices is unset).
type Nameservice struct {
	ID             string // "" for the unnamed nameservice
	NameNodes      []NameNode
	SharedEditsDir string    // dfs.namenode.shared.edits.dir[.<ns>]
	QJournal       *QJournal // parsed SharedEditsDir when it is a qjournal:// URI
}

// HA reports whether the nameservice has more than one NameNode.
func (ns Nameservice) HA() bool { return len(ns.NameNodes) > 1 }

// ReadNameservices reads every nameservice and its NameNodes.
func ReadNameservices(c *Conf) ([]Nameservice, error) {
	var out []Nameservice
	for _, nsID := range orUnnamed(NameserviceIDs(c)) {
		ns, err := readNameservice(c, nsID)
		if err != nil {
			return nil, err
		}
		out = append(out, ns)
	}
	return out, nil
}

func readNameservice(c *Conf, nsID string) (Nameservice, error) {
	ns := Nameservice{ID: nsID}
	for _, nnID := range orUnnamed(NameNodeIDs(c, nsID)) {
		nn, err := readNameNode(c, nsID, nnID)
		if err != nil {
			return ns, err
		}
		ns.NameNodes = append(ns.NameNodes, nn)
	}
	ns.SharedEditsDir, _ = c.GetSuffixed(KeyNameNodeSharedEditsDir, nsID, "")
	if strings.HasPrefix(ns.SharedEditsDir, "qjournal://") {
		q, err := ParseQJournal(ns.SharedEditsDir)
		if err != nil {
			return ns, err
		}
		ns.QJournal = &q
	}
	return ns, nil
}

func readNameNode(c *Conf, nsID, nnID string) (NameNode, error) {
	nn := NameNode{ID: nnID}
	r := addrReader{c: c, ns: nsID, nn: nnID}
	nn.RPC = r.addr(KeyNameNodeRPCAddress, DefaultNameNodeRPCPort)
	nn.ServiceRPC = r.addr(KeyNameNodeServiceRPCAddress, DefaultNameNodeRPCPort)
	nn.Lifeline = r.addr(KeyNameNodeLifelineRPCAddress, -1)
	nn.HTTP = r.addr(KeyNameNodeHTTPAddress, -1)
	nn.HTTPS = r.addr(KeyNameNodeHTTPSAddress, -1)
	if nn.RPC.IsZero() && nnID == "" && r.err == nil {
		if def, logical, ok := defaultFSAddress(c); ok && !logical {
			nn.RPC, r.err = ParseAddr(def, DefaultNameNodeRPCPort)
		}
	}
	return nn, r.err
}

// addrReader reads NameNode addresses with the per-NameNode fallback chain
// and keeps the first error.
type addrReader struct {
	c      *Conf
	ns, nn string
	err    error
}

func (r *addrReader) addr(key string, defaultPort int) Addr {
	v, ok := r.c.GetSuffixed(key, r.ns, r.nn)
	if !ok || r.err != nil {
		return Addr{}
	}
	a, err := parseAddrFor(SuffixKey(key, r.ns, r.nn), v, defaultPort)
	r.err = err
	return a
}

// Validate checks what a NameNode of the nameservice checks at start-up.
func (ns Nameservice) Validate() error {
	var errs []error
	for _, nn := range ns.NameNodes {
		if nn.RPC.IsZero() {
			errs = append(errs, fmt.Errorf("%w: %s is not configured", ErrMissing, SuffixKey(KeyNameNodeRPCAddress, ns.ID, nn.ID)))
		}
	}
	switch {
	case !ns.HA() && ns.SharedEditsDir != "":
		errs = append(errs, fmt.Errorf("%w: nameservice %q: a shared edits dir must not be specified if HA is not enabled", ErrInvalidValue, ns.ID))
	case len(SplitTrimmed(ns.SharedEditsDir)) > 1:
		errs = append(errs, fmt.Errorf("%w: nameservice %q: multiple shared edits directories are not yet supported", ErrInvalidValue, ns.ID))
	}
	return errors.Join(errs...)
}

// HA holds the failover settings of one NameNode and its ZKFC.
type HA struct {
	AutomaticFailover bool          // dfs.ha.automatic-failover.enabled[.<ns>]
	FencingMethods    []string      // dfs.ha.fencing.methods: one per line, # comments removed
	ZKFCPort          int           // dfs.ha.zkfc.port
	ZKQuorum          string        // ha.zookeeper.quorum
	ZKSessionTimeout  time.Duration // ha.zookeeper.session-timeout.ms
	ZKParentZnode     string        // ha.zookeeper.parent-znode
	ZKACL             string        // ha.zookeeper.acl
	ZKAuth            string        // ha.zookeeper.auth
}

// ReadHA reads the failover settings of NameNode nnID of nameservice nsID
// as its ZKFC does: NameNode keys and ZooKeeper keys may be suffixed with
// .<ns>.<nn> or .<ns>.
func ReadHA(c *Conf, nsID, nnID string) (HA, error) {
	v := c.ForNameNode(nsID, nnID)
	v.setGeneric(nsID, nnID, zkfcKeys)
	r := reader{c: v}
	h := HA{
		AutomaticFailover: v.GetBool(KeyHAAutomaticFailover, false),
		FencingMethods:    fencingMethods(r.trimmed(KeyHAFencingMethods, "")),
		ZKFCPort:          r.int(KeyHAZKFCPort, 8019),
		ZKQuorum:          r.trimmed(KeyZKQuorum, ""),
		ZKSessionTimeout:  r.millis(KeyZKSessionTimeout, 10000),
		ZKParentZnode:     r.trimmed(KeyZKParentZnode, "/hadoop-ha"),
		ZKACL:             r.trimmed(KeyZKACL, "world:anyone:rwcda"),
		ZKAuth:            r.trimmed(KeyZKAuth, ""),
	}
	return h, r.err
}

// fencingMethods splits dfs.ha.fencing.methods like Hadoop's NodeFencer:
// one method per line, text after '#' ignored, blank lines skipped.
func fencingMethods(spec string) []string {
	var out []string
	for _, line := range strings.Split(spec, "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		if line = javaTrim(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// ElectionZnode is the ZooKeeper parent of the election lock for nsID:
// the parent znode, a '/', then the nameservice ("/hadoop-ha/ns1").
func (h HA) ElectionZnode(nsID string) string {
	p := h.ZKParentZnode
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p + nsID
}

// Validate checks what the ZKFC checks before it starts.
func (h HA) Validate() error {
	var errs []error
	if h.AutomaticFailover && h.ZKQuorum == "" {
		errs = append(errs, fmt.Errorf("%w: Missing required configuration '%s' for ZooKeeper quorum", ErrMissing, KeyZKQuorum))
	}
	if h.ZKSessionTimeout <= 0 {
		errs = append(errs, fmt.Errorf("%w: Invalid ZK session timeout %d", ErrInvalidValue, h.ZKSessionTimeout.Milliseconds()))
	}
	if h.ZKFCPort < 0 || h.ZKFCPort > 65535 {
		errs = append(errs, fmt.Errorf("%w: %s=%d is not a port", ErrInvalidValue, KeyHAZKFCPort, h.ZKFCPort))
	}
	return errors.Join(errs...)
}
