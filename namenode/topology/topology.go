// Package topology tells the NameNode where DataNodes sit and which of
// them may join: rack resolution as Hadoop's DNSToSwitchMapping
// implementations do it (a script, net.topology.script.file.name, or a
// table, net.topology.table.file.name, with a cache in front), and the
// dfs.hosts / dfs.hosts.exclude files as HostFileManager reads them.
package topology

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hdfsd/hdfsd/conf"
)

// DefaultRack is NetworkTopology.DEFAULT_RACK.
const DefaultRack = "/default-rack"

// Configuration keys and Hadoop's class names for the mappings.
const (
	KeyMappingImpl    = "net.topology.node.switch.mapping.impl"
	KeyScriptFile     = "net.topology.script.file.name"
	KeyScriptArgs     = "net.topology.script.number.args"
	KeyTableFile      = "net.topology.table.file.name"
	ScriptMapping     = "org.apache.hadoop.net.ScriptBasedMapping"
	TableMapping      = "org.apache.hadoop.net.TableMapping"
	minScriptArgs     = 1
	defaultScriptArgs = 100
)

// Mapping turns host addresses into network locations ("/rack"). A nil
// result with a nil error is not allowed; an error means the mapping could
// not answer (Hadoop's null), and the caller decides what that means.
type Mapping interface {
	Resolve(ctx context.Context, names []string) ([]string, error)
}

// FromConf builds the mapping core-site.xml asks for, with Hadoop's cache
// in front (CachedDNSToSwitchMapping). An unknown class is an error.
func FromConf(c *conf.Conf, log *slog.Logger) (Mapping, error) {
	impl, _ := c.GetTrimmed(KeyMappingImpl)
	switch impl {
	case "", ScriptMapping:
		script, _ := c.GetTrimmed(KeyScriptFile)
		n, err := c.GetInt(KeyScriptArgs, defaultScriptArgs)
		if err != nil {
			return nil, err
		}
		if script == "" {
			return NewCached(Static(DefaultRack)), nil
		}
		return NewCached(&Script{Path: script, MaxArgs: n, Log: log}), nil
	case TableMapping:
		file, _ := c.GetTrimmed(KeyTableFile)
		return NewCached(&Table{File: file, Log: log}), nil
	}
	return nil, fmt.Errorf("topology: %s = %s is not supported (use %s or %s)", KeyMappingImpl, impl, ScriptMapping, TableMapping)
}

// Static puts every host in one location.
type Static string

// Resolve answers s for every name.
func (s Static) Resolve(_ context.Context, names []string) ([]string, error) {
	out := make([]string, len(names))
	for i := range out {
		out[i] = string(s)
	}
	return out, nil
}

// Script runs a topology script as ScriptBasedMapping does: at most
// MaxArgs names per run, the locations read as whitespace-separated words
// of its output, which must be one per name.
type Script struct {
	Path    string
	MaxArgs int
	Timeout time.Duration // 0: a minute
	Log     *slog.Logger
}

// Resolve runs the script over names in batches.
func (s *Script) Resolve(ctx context.Context, names []string) ([]string, error) {
	if len(names) == 0 {
		return nil, nil
	}
	if s.MaxArgs < minScriptArgs {
		return nil, fmt.Errorf("topology: invalid value %d for %s; must be >= %d", s.MaxArgs, KeyScriptArgs, minScriptArgs)
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	var out []string
	for start := 0; start < len(names); start += s.MaxArgs {
		batch := names[start:min(start+s.MaxArgs, len(names))]
		rctx, cancel := context.WithTimeout(ctx, timeout)
		b, err := exec.CommandContext(rctx, s.Path, batch...).Output()
		cancel()
		if err != nil {
			return nil, fmt.Errorf("topology: running %s %s: %w", s.Path, strings.Join(batch, " "), err)
		}
		out = append(out, strings.Fields(string(b))...)
	}
	if len(out) != len(names) {
		return nil, fmt.Errorf("topology: script %s returned %d values when %d were expected", s.Path, len(out), len(names))
	}
	return out, nil
}

// Table maps hosts from a two-column file (TableMapping). The file is read
// on first use; when it cannot be read every host is on DefaultRack.
type Table struct {
	File string
	Log  *slog.Logger

	mu sync.Mutex
	m  map[string]string
}

// Resolve looks names up in the table.
func (t *Table) Resolve(_ context.Context, names []string) ([]string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m == nil {
		m, err := loadTable(t.File)
		if err != nil {
			logger(t.Log).Warn("topology table unreadable; "+DefaultRack+" will be used for all nodes", "file", t.File, "err", err)
			m = map[string]string{}
		}
		t.m = m
	}
	out := make([]string, len(names))
	for i, n := range names {
		if r, ok := t.m[n]; ok {
			out[i] = r
		} else {
			out[i] = DefaultRack
		}
	}
	return out, nil
}

// Reload rereads the table; on failure the old one stays.
func (t *Table) Reload() error {
	m, err := loadTable(t.File)
	if err != nil {
		return err
	}
	t.mu.Lock()
	t.m = m
	t.mu.Unlock()
	return nil
}

func loadTable(file string) (map[string]string, error) {
	if strings.TrimSpace(file) == "" {
		return nil, fmt.Errorf("%s not configured", KeyTableFile)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return parseTable(b), nil
}

// parseTable reads "host rack" lines; blank lines, lines starting with #
// and lines without exactly two columns are skipped.
func parseTable(b []byte) map[string]string {
	m := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		if cols := strings.Fields(line); len(cols) == 2 {
			m[cols[0]] = cols[1]
		}
	}
	return m
}

// Cached remembers what a mapping answered, per name
// (CachedDNSToSwitchMapping); only names it has not seen go to the
// mapping underneath.
type Cached struct {
	raw Mapping
	mu  sync.Mutex
	m   map[string]string
}

// NewCached puts a cache in front of raw.
func NewCached(raw Mapping) *Cached { return &Cached{raw: raw, m: map[string]string{}} }

// Resolve answers from the cache, asking the mapping for the rest.
func (c *Cached) Resolve(ctx context.Context, names []string) ([]string, error) {
	c.mu.Lock()
	var miss []string
	for _, n := range names {
		if _, ok := c.m[n]; !ok {
			miss = append(miss, n)
		}
	}
	c.mu.Unlock()
	if len(miss) > 0 {
		got, err := c.raw.Resolve(ctx, miss)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		for i, n := range miss {
			c.m[n] = got[i]
		}
		c.mu.Unlock()
	}
	out := make([]string, len(names))
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, n := range names {
		out[i] = c.m[n]
	}
	return out, nil
}

// Forget drops every cached answer (reloadCachedMappings).
func (c *Cached) Forget() {
	c.mu.Lock()
	c.m = map[string]string{}
	c.mu.Unlock()
	if t, ok := c.raw.(*Table); ok {
		_ = t.Reload()
	}
}

// Normalize checks a location as NodeBase.normalize does: it must start
// with "/", and a trailing "/" is dropped.
func Normalize(loc string) (string, error) {
	if loc == "" {
		return DefaultRack, nil
	}
	if loc[0] != '/' {
		return "", fmt.Errorf("Network Location path does not start with /: %s", loc)
	}
	if len(loc) > 1 && strings.HasSuffix(loc, "/") {
		loc = loc[:len(loc)-1]
	}
	return loc, nil
}

// HostSet is a dfs.hosts or dfs.hosts.exclude list: addresses with a port,
// where port 0 matches every port (Hadoop's HostSet.match).
type HostSet struct {
	ports map[string][]int // by IP string
}

// Empty reports whether no host is listed.
func (h HostSet) Empty() bool { return len(h.ports) == 0 }

// Match reports whether ip:port is listed, exactly or with port 0.
func (h HostSet) Match(ip string, port int) bool {
	for _, p := range h.ports[ip] {
		if p == port || p == 0 {
			return true
		}
	}
	return false
}

// Hosts is the pair HostFileManager keeps.
type Hosts struct {
	Include, Exclude HostSet
}

// Included is HostFileManager.isIncluded: an empty include list lets
// everyone in.
func (h Hosts) Included(ip string, port int) bool {
	return h.Include.Empty() || h.Include.Match(ip, port)
}

// Excluded is HostFileManager.isExcluded.
func (h Hosts) Excluded(ip string, port int) bool { return h.Exclude.Match(ip, port) }

// Resolver looks host names up; net.DefaultResolver's LookupHost in
// production.
type Resolver func(host string) ([]string, error)

// ReadHosts reads both files (either may be ""), resolving names to
// addresses; entries that do not resolve or parse are logged and skipped,
// as Hadoop does. A file that cannot be read is an error.
func ReadHosts(include, exclude string, resolve Resolver, log *slog.Logger) (Hosts, error) {
	in, err := readHostFile("included", include, resolve, log)
	if err != nil {
		return Hosts{}, err
	}
	ex, err := readHostFile("excluded", exclude, resolve, log)
	if err != nil {
		return Hosts{}, err
	}
	return Hosts{Include: in, Exclude: ex}, nil
}

func readHostFile(kind, file string, resolve Resolver, log *slog.Logger) (HostSet, error) {
	h := HostSet{ports: map[string][]int{}}
	if file == "" {
		return h, nil
	}
	f, err := os.Open(file)
	if err != nil {
		return h, fmt.Errorf("topology: reading the %s hosts file: %w", kind, err)
	}
	defer f.Close()
	entries, err := hostEntries(f)
	if err != nil {
		return h, fmt.Errorf("topology: reading %s: %w", file, err)
	}
	for _, e := range entries {
		host, port, ok := splitEntry(e)
		if !ok {
			logger(log).Warn(fmt.Sprintf("Failed to parse `%s` in `%s`. Ignoring in the %s list.", e, file, kind))
			continue
		}
		ips, err := resolve(host)
		if err != nil || len(ips) == 0 {
			logger(log).Warn(fmt.Sprintf("Failed to resolve address `%s` in `%s`. Ignoring in the %s list.", e, file, kind))
			continue
		}
		h.ports[ips[0]] = append(h.ports[ips[0]], port)
	}
	return h, nil
}

// hostEntries splits a hosts file into its words; "#" starts a comment
// that runs to the end of the line (HostsFileReader).
func hostEntries(r io.Reader) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		for _, w := range strings.Fields(sc.Text()) {
			if strings.HasPrefix(w, "#") {
				break
			}
			if !seen[w] {
				seen[w] = true
				out = append(out, w)
			}
		}
	}
	return out, sc.Err()
}

// splitEntry reads "host", "host:port" or "[v6]:port"; no port is 0.
func splitEntry(e string) (host string, port int, ok bool) {
	if h, p, err := net.SplitHostPort(e); err == nil {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 65535 {
			return "", 0, false
		}
		return h, n, h != ""
	}
	if strings.Contains(e, "/") || strings.Count(e, ":") == 1 {
		return "", 0, false
	}
	return strings.Trim(e, "[]"), 0, true
}

func logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.Default()
	}
	return l
}

// ReadHostsFile returns the entries of a dfs.hosts-style file as written
// (host names or addresses, with an optional ":port"); "" reads as empty.
func ReadHostsFile(file string) ([]string, error) {
	if file == "" {
		return nil, nil
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("topology: reading hosts file: %w", err)
	}
	defer f.Close()
	return hostEntries(f)
}
