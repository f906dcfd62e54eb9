package conf

import "strings"

// NNAddr is one entry of a Hadoop DFSUtil address map: the address of
// NameNode (or backup/secondary node) NameNode in nameservice Nameservice.
// Both ids are "" when not configured. Lists keep Hadoop's order:
// nameservices as listed, then NameNodes as listed.
type NNAddr struct {
	Nameservice string
	NameNode    string
	Addr        Addr
	unresolved  bool // dfs.client.failover.lazy.resolved: Java keeps the literal
}

// NameNodeRPCAddresses returns every NameNode's client RPC address
// (DFSUtilClient.getHaNnRpcAddresses).
func NameNodeRPCAddresses(c *Conf) ([]NNAddr, error) {
	return addressesFor(c, NameserviceIDs(c), "", KeyNameNodeRPCAddress)
}

// NameNodeServiceRPCAddresses returns the addresses DataNodes and
// `hdfs getconf -namenodes` use (DFSUtil.getNNServiceRpcAddressesForCluster):
// for each internal nameservice and NameNode, the service RPC address,
// else the client RPC address, else the fs.defaultFS address.
func NameNodeServiceRPCAddresses(c *Conf) ([]NNAddr, error) {
	parents, err := parentNameservices(c)
	if err != nil {
		return nil, err
	}
	def, _ := defaultNameNodeAddress(c)
	list, err := addressesFor(c, parents, def, KeyNameNodeServiceRPCAddress, KeyNameNodeRPCAddress)
	if err == nil && len(list) == 0 {
		err = hadoopErrorf(ErrMissing, "Incorrect configuration: namenode address %s.%s or %s.%s is not configured.",
			KeyNameNodeServiceRPCAddress, javaList(parents), KeyNameNodeRPCAddress, javaList(parents))
	}
	return list, err
}

// NameNodeLifelineRPCAddresses returns the configured lifeline RPC
// addresses (DFSUtil.getNNLifelineRpcAddressesForCluster); empty is fine.
func NameNodeLifelineRPCAddresses(c *Conf) ([]NNAddr, error) {
	parents, err := parentNameservices(c)
	if err != nil {
		return nil, err
	}
	return addressesFor(c, parents, "", KeyNameNodeLifelineRPCAddress)
}

// BackupNodeAddresses returns dfs.namenode.backup.address per nameservice
// and NameNode (DFSUtil.getBackupNodeAddresses); none is an error.
func BackupNodeAddresses(c *Conf) ([]NNAddr, error) {
	list, err := addressesFor(c, NameserviceIDs(c), "", KeyBackupAddress)
	if err == nil && len(list) == 0 {
		err = hadoopErrorf(ErrMissing, "Incorrect configuration: backup node address %s is not configured.", KeyBackupAddress)
	}
	return list, err
}

// SecondaryNameNodeAddresses returns dfs.namenode.secondary.http-address per
// nameservice and NameNode (DFSUtil.getSecondaryNameNodeAddresses).
func SecondaryNameNodeAddresses(c *Conf) ([]NNAddr, error) {
	list, err := addressesFor(c, NameserviceIDs(c), "", KeySecondaryHTTPAddress)
	if err == nil && len(list) == 0 {
		err = hadoopErrorf(ErrMissing, "Incorrect configuration: secondary namenode address %s is not configured.", KeySecondaryHTTPAddress)
	}
	return list, err
}

// IsHAEnabled reports whether nameservice nsID has more than one NameNode
// RPC address (HAUtil.isHAEnabled).
func IsHAEnabled(c *Conf, nsID string) (bool, error) {
	list, err := NameNodeRPCAddresses(c)
	n := 0
	for _, a := range list {
		if a.Nameservice == nsID {
			n++
		}
	}
	return n > 1, err
}

// addressesFor builds an address map over nsIDs (DFSUtilClient.
// getAddressesForNsIds): for each NameNode the first of keys set as
// key.<ns>.<nn> exactly (no fallback to shorter keys), else def.
func addressesFor(c *Conf, nsIDs []string, def string, keys ...string) ([]NNAddr, error) {
	lazy := c.GetBool(KeyClientLazyResolved, false)
	var out []NNAddr
	for _, ns := range orUnnamed(nsIDs) {
		for _, nn := range orUnnamed(NameNodeIDs(c, ns)) {
			v, ok := firstSet(c, SuffixKey("", ns, nn), keys)
			if !ok && def == "" {
				continue
			}
			if !ok {
				v = def
			}
			a, err := ParseAddr(v, -1)
			if err != nil {
				return nil, err
			}
			out = append(out, NNAddr{Nameservice: ns, NameNode: nn, Addr: a, unresolved: lazy && ok})
		}
	}
	return out, nil
}

// firstSet returns the value of the first key+suffix that is set
// (DFSUtilClient.getConfValue); suffix starts with "." or is "".
func firstSet(c *Conf, suffix string, keys []string) (string, bool) {
	for _, k := range keys {
		if v, ok := c.Get(k + suffix); ok {
			return v, true
		}
	}
	return "", false
}

// parentNameservices returns dfs.internal.nameservices, checked against
// dfs.nameservices, or dfs.nameservices when it is unset.
func parentNameservices(c *Conf) ([]string, error) {
	internal := c.GetStringSet(KeyInternalNameservices)
	all := NameserviceIDs(c)
	if len(internal) == 0 {
		return all, nil
	}
	for _, ns := range internal {
		if !contains(all, ns) {
			return nil, hadoopErrorf(ErrInvalidValue, "Unknown nameservice: %s", ns)
		}
	}
	return internal, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// defaultNameNodeAddress is the host:port fs.defaultFS names as
// DFSUtilClient.getNNAddress gives it (the name for a logical URI); false
// when fs.defaultFS is not an hdfs URI with an authority.
func defaultNameNodeAddress(c *Conf) (string, bool) {
	addr, _, ok := defaultFSAddress(c)
	return addr, ok
}

// defaultFSAddress returns the NameNode address of fs.defaultFS: for a
// logical URI (its host is a nameservice) the authority and port 8020, for
// any other hdfs URI the authority with port 8020 when omitted.
func defaultFSAddress(c *Conf) (addr string, logical, ok bool) {
	u, ok := DefaultFS(c)
	if !ok || u.Scheme == "" {
		return "", false, false
	}
	if u.Host != "" && contains(NameserviceIDs(c), u.Host) {
		return u.Authority + ":8020", true, true
	}
	if u.Authority == "" || !strings.EqualFold(u.Scheme, "hdfs") {
		return "", false, false
	}
	a, err := ParseAddr(u.Authority, DefaultNameNodeRPCPort)
	if err != nil {
		return "", false, false
	}
	return a.String(), false, true
}

// FSURI is the parsed fs.defaultFS.
type FSURI struct {
	Scheme    string
	Authority string
	Host      string // "" when the authority is not host[:port]
	Port      int    // -1 when absent
	Path      string
}

// DefaultFS parses fs.defaultFS as Hadoop's FileSystem.getDefaultUri does,
// including the old forms "local" (file:///) and a bare "host:port"
// (hdfs://host:port). It reports false when the value is not a URI.
func DefaultFS(c *Conf) (FSURI, bool) {
	v, ok := c.GetTrimmed(KeyDefaultFS)
	if !ok {
		v = "file:///"
	}
	if v == "local" {
		v = "file:///"
	} else if !strings.Contains(v, "/") {
		v = "hdfs://" + v
	}
	u, ok := parseURI(v)
	return FSURI{Scheme: u.scheme, Authority: u.authority, Host: u.host, Port: u.port, Path: u.path}, ok
}
