package conf

import (
	"fmt"
	"net/url"
	"strings"
)

// QJournal is a parsed shared edits URI of the quorum journal manager:
// qjournal://host1:port1;host2:port2;host3:port3/journalId. A host without
// a port gets 8485.
type QJournal struct {
	Journals  []Addr
	JournalID string
}

// ParseQJournal parses a qjournal URI with the checks Hadoop's
// QuorumJournalManager makes (authority present, every host:port valid,
// a journal id that is non-empty, has no '/' and does not start with '.').
func ParseQJournal(s string) (QJournal, error) {
	u, ok := parseURI(s)
	if !ok || u.scheme != "qjournal" {
		return QJournal{}, fmt.Errorf("%w: %q is not a qjournal:// URI", ErrInvalidValue, s)
	}
	journals, err := journalAddrs(u, s)
	if err != nil {
		return QJournal{}, err
	}
	path, err := url.PathUnescape(u.path)
	if err != nil {
		path = u.path
	}
	if path == "" {
		return QJournal{}, hadoopErrorf(ErrInvalidValue, "Bad URI '%s': must identify journal in path component", s)
	}
	jid := path[1:]
	if jid == "" || strings.Contains(jid, "/") || strings.HasPrefix(jid, ".") {
		return QJournal{}, hadoopErrorf(ErrInvalidValue, "bad journal id: %s", jid)
	}
	return QJournal{Journals: journals, JournalID: jid}, nil
}

// String returns the URI form.
func (q QJournal) String() string {
	hosts := make([]string, len(q.Journals))
	for i, a := range q.Journals {
		hosts[i] = a.String()
	}
	return "qjournal://" + strings.Join(hosts, ";") + "/" + q.JournalID
}

// journalAddrs splits the authority on ';' (Hadoop's Util.getAddressesList,
// without resolving).
func journalAddrs(u uri, raw string) ([]Addr, error) {
	if u.authority == "" {
		return nil, hadoopErrorf(ErrInvalidValue, "URI has no authority: %s", raw)
	}
	parts := strings.Split(u.authority, ";")
	for len(parts) > 1 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	addrs := make([]Addr, 0, len(parts))
	for _, p := range parts {
		a, err := ParseAddr(javaTrim(p), DefaultJournalNodeRPCPort)
		if err != nil {
			return nil, err
		}
		addrs = append(addrs, a)
	}
	return addrs, nil
}

// SharedEditsDir returns the shared edits directory of NameNode nnID in
// nsID: dfs.namenode.shared.edits.dir.<ns>.<nn>, .<ns>, or the plain key.
func SharedEditsDir(c *Conf, nsID, nnID string) (string, bool) {
	return c.GetSuffixed(KeyNameNodeSharedEditsDir, nsID, nnID)
}

// JournalNodeHosts returns the JournalNode host names of the cluster as
// DFSUtil.getJournalNodeAddresses does, in the order `hdfs getconf
// -journalNodes` prints them (Java HashSet order). Only qjournal:// shared
// edits count; Hadoop stops at the first nameservice whose shared edits
// directory is missing or not a qjournal URI.
func JournalNodeHosts(c *Conf, n Network) ([]string, error) {
	var hosts []string
	add := func(v string) error {
		h, err := journalHostNames(v, c, n)
		hosts = append(hosts, h...)
		return err
	}
	if v, ok := c.Get(KeyNameNodeSharedEditsDir); ok {
		if !strings.HasPrefix(v, "qjournal://") {
			return nil, nil
		}
		if err := add(v); err != nil {
			return nil, err
		}
		return javaHashSetOrder(hosts), nil
	}
	for _, ns := range NameserviceIDs(c) {
		v, ok := c.Get(SuffixKey(KeyNameNodeSharedEditsDir, ns))
		if ok && !strings.HasPrefix(v, "qjournal://") {
			break
		}
		if ok {
			if err := add(v); err != nil {
				return nil, err
			}
			continue
		}
		done, err := addPerNameNode(c, ns, add)
		if err != nil {
			return nil, err
		}
		if done {
			break
		}
	}
	return javaHashSetOrder(hosts), nil
}

// addPerNameNode handles shared edits set per NameNode (legal but
// discouraged); done reports that Hadoop would stop looking.
func addPerNameNode(c *Conf, ns string, add func(string) error) (done bool, err error) {
	for _, nn := range NameNodeIDs(c, ns) {
		key := SuffixKey(KeyNameNodeSharedEditsDir, ns, nn)
		v, ok := c.Get(key)
		if !ok || !strings.HasPrefix(v, "qjournal://") {
			return true, nil
		}
		c.mu.Lock()
		c.warnLocked(fmt.Sprintf("conf: %s should be set per nameservice, not per NameNode", key))
		c.mu.Unlock()
		if err := add(v); err != nil {
			return true, err
		}
	}
	return false, nil
}

// journalHostNames returns the host names of one qjournal URI as Java's
// getHostName gives them; an unresolvable host fails with the whole URI as
// the message, as Hadoop's UnknownHostException does.
func journalHostNames(v string, c *Conf, n Network) ([]string, error) {
	u, ok := parseURI(v)
	if !ok {
		return nil, hadoopErrorf(ErrInvalidValue, "The conf property %sis not properly set with correct journal node uri: %s", KeyNameNodeSharedEditsDir, v)
	}
	addrs, err := journalAddrs(u, v)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, a := range addrs {
		if _, ok := resolve(n, a.Host); !ok {
			return nil, hadoopErrorf(ErrInvalidValue, "%s", v)
		}
		names = append(names, hostName(n, a, false))
	}
	return names, nil
}
