package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/user"
	"strconv"
	"strings"
	"time"

	"github.com/hdfsd/hdfsd/conf"
)

// fsckUsage is DFSck's usage text.
const fsckUsage = "Usage: hdfs fsck <path> " +
	"[-list-corruptfileblocks | " +
	"[-move | -delete | -openforwrite] " +
	"[-files [-blocks [-locations | -racks | -replicaDetails | " +
	"-upgradedomains]]]] " +
	"[-includeSnapshots] [-showprogress] " +
	"[-storagepolicies] [-maintenance] " +
	"[-blockId <blk_Id>] [-replicate]\n" +
	"\t<path>\tstart checking from this path\n" +
	"\t-move\tmove corrupted files to /lost+found\n" +
	"\t-delete\tdelete corrupted files\n" +
	"\t-files\tprint out files being checked\n" +
	"\t-openforwrite\tprint out files opened for write\n" +
	"\t-includeSnapshots\tinclude snapshot data if the given path" +
	" indicates a snapshottable directory or there are " +
	"snapshottable directories under it\n" +
	"\t-list-corruptfileblocks\tprint out list of missing " +
	"blocks and files they belong to\n" +
	"\t-files -blocks\tprint out block report\n" +
	"\t-files -blocks -locations\tprint out locations for every block\n" +
	"\t-files -blocks -racks" +
	"\tprint out network topology for data-node locations\n" +
	"\t-files -blocks -replicaDetails\tprint out each replica details \n" +
	"\t-files -blocks -upgradedomains\tprint out upgrade domains for " +
	"every block\n" +
	"\t-storagepolicies\tprint out storage policy summary for the blocks\n" +
	"\t-maintenance\tprint out maintenance state node details\n" +
	"\t-showprogress\tDeprecated. Progress is now shown by default\n" +
	"\t-blockId\tprint out which file this blockId belongs to, locations" +
	" (nodes, racks) of this block, and other diagnostics info" +
	" (under replicated, corrupted or not, etc)\n" +
	"\t-replicate initiate replication work to make mis-replicated\n" +
	" blocks satisfy block placement policy\n\n" +
	"Please Note:\n\n" +
	"\t1. By default fsck ignores files opened for write, " +
	"use -openforwrite to report such files. They are usually " +
	" tagged CORRUPT or HEALTHY depending on their block " +
	"allocation status\n" +
	"\t2. Option -includeSnapshots should not be used for comparing stats," +
	" should be used only for HEALTH check, as this may contain duplicates" +
	" if the same file present in both original fs tree " +
	"and inside snapshots."

// fsckFailure is DFSck's -1, which the shell sees as 255.
const fsckFailure = 255

// fsckFlags maps DFSck's switches to the servlet's query keys.
var fsckFlags = map[string]string{
	"-move": "move", "-delete": "delete", "-files": "files", "-openforwrite": "openforwrite",
	"-blocks": "blocks", "-locations": "locations", "-racks": "racks",
	"-replicaDetails": "replicadetails", "-upgradedomains": "upgradedomains",
	"-storagepolicies": "storagepolicies", "-showprogress": "showprogress",
	"-list-corruptfileblocks": "listcorruptfileblocks", "-includeSnapshots": "includeSnapshots",
	"-maintenance": "maintenance", "-replicate": "replicate",
}

// fsckTool runs one `hdfs fsck`: its fields are what tests replace.
type fsckTool struct {
	out, err io.Writer
	conf     *conf.Conf
	user     string
	http     *http.Client
}

func printFsckUsage(w io.Writer) {
	io.WriteString(w, fsckUsage+"\n\n"+dfsadminGenericUsage)
}

func runFsck(ctx context.Context, env *Env, args []string) int {
	// -files is also a generic option: as first argument it would be
	// taken for one, so DFSck refuses it there.
	if len(args) == 0 || args[0] == "-files" {
		printFsckUsage(env.Stderr)
		return fsckFailure
	}
	if len(args) == 1 && isHelp(args[0]) && args[0] != "help" {
		printFsckUsage(env.Stdout)
		return 0
	}
	c, rest, err := loadConf(env, args)
	if err != nil {
		fmt.Fprintf(env.Stderr, "hdfsd fsck: %v\n", err)
		return fsckFailure
	}
	t := &fsckTool{out: env.Stdout, err: env.Stderr, conf: c, user: fsckUser(), http: fsckHTTPClient(c)}
	if len(rest) == 0 {
		printFsckUsage(env.Stderr)
		return fsckFailure
	}
	code, err := t.run(ctx, rest)
	if err != nil {
		fmt.Fprintf(env.Stderr, "fsck: %v\n", err)
		return fsckFailure
	}
	return code
}

// fsckUser is the user under simple authentication: $HADOOP_USER_NAME,
// else the OS user.
func fsckUser() string {
	if u := os.Getenv("HADOOP_USER_NAME"); u != "" {
		return u
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "unknown"
}

// fsckHTTPClient has DFSck's connect and read timeouts
// (dfs.client.fsck.connect.timeout, dfs.client.fsck.read.timeout; 60s).
// The read timeout bounds the wait for the answer to start: a long fsck
// then streams its report.
func fsckHTTPClient(c *conf.Conf) *http.Client {
	connect, err := c.GetDuration("dfs.client.fsck.connect.timeout", 60*time.Second, time.Millisecond)
	if err != nil {
		connect = 60 * time.Second
	}
	read, err := c.GetDuration("dfs.client.fsck.read.timeout", 60*time.Second, time.Millisecond)
	if err != nil {
		read = 60 * time.Second
	}
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: connect}).DialContext,
		ResponseHeaderTimeout: read,
	}
	return &http.Client{Transport: tr}
}

// run is DFSck.doWork: build the query, find the active NameNode's web
// address, stream its answer, and pick the exit code from the last line.
func (t *fsckTool) run(ctx context.Context, args []string) (int, error) {
	var q strings.Builder
	q.WriteString("/fsck?ugi=" + t.user)
	dir := ""
	listCorrupt := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		if key, ok := fsckFlags[a]; ok {
			q.WriteString("&" + key + "=1")
			listCorrupt = listCorrupt || a == "-list-corruptfileblocks"
			continue
		}
		switch {
		case a == "-blockId":
			// The ids run to the next option, which DFSck then skips.
			var ids strings.Builder
			for i++; i < len(args) && !strings.HasPrefix(args[i], "-"); i++ {
				ids.WriteString(args[i] + " ")
			}
			q.WriteString("&blockId=" + javaURLEncode(ids.String()))
		case !strings.HasPrefix(a, "-"):
			if dir != "" {
				fmt.Fprintf(t.err, "fsck: can only operate on one path at a time '%s'\n", a)
				printFsckUsage(t.err)
				return fsckFailure, nil
			}
			dir = a
		default:
			fmt.Fprintf(t.err, "fsck: Illegal option '%s'\n", a)
			printFsckUsage(t.err)
			return fsckFailure, nil
		}
	}
	if dir == "" {
		dir = "/"
	}
	base, path, err := t.namenodeAddress(ctx, dir)
	if err != nil {
		fmt.Fprintf(t.err, "FileSystem is inaccessible due to:\n%v\n", err)
	}
	if base == "" {
		fmt.Fprintln(t.err, "DFSck exiting.")
		return 0, nil
	}
	u := base + q.String() + "&path=" + javaURLEncode(path)
	fmt.Fprintln(t.err, "Connecting to namenode via "+u)
	if listCorrupt {
		return t.listCorruptFileBlocks(ctx, dir, u)
	}
	last := "is CORRUPT"
	err = t.get(ctx, u, func(line string) bool {
		fmt.Fprintln(t.out, line)
		last = line
		return true
	})
	if err != nil {
		return fsckFailure, err
	}
	return fsckExitCode(last), nil
}

// fsckExitCode is DFSck's exit code for the last line of the report.
func fsckExitCode(last string) int {
	switch {
	case strings.HasSuffix(last, "is HEALTHY"):
		return 0
	case strings.HasSuffix(last, "is CORRUPT"):
		return 1
	case strings.HasSuffix(last, "does not exist"), strings.Contains(last, "Incorrect blockId format:"),
		strings.HasSuffix(last, "is EXCESS"):
		return 0
	case strings.HasSuffix(last, "is DECOMMISSIONED"):
		return 2
	case strings.HasSuffix(last, "is DECOMMISSIONING"):
		return 3
	case strings.HasSuffix(last, "is IN MAINTENANCE"):
		return 4
	case strings.HasSuffix(last, "is ENTERING MAINTENANCE"):
		return 5
	case strings.HasSuffix(last, "is STALE"):
		return 6
	}
	return fsckFailure
}

// listCorruptFileBlocks is DFSck's -list-corruptfileblocks loop: ask
// again with the cookie until the NameNode says there are no more.
func (t *fsckTool) listCorruptFileBlocks(ctx context.Context, dir, base string) (int, error) {
	n, cookie := 0, 0
	for done := false; !done; {
		u := base
		if cookie > 0 {
			u += "&startblockafter=" + strconv.Itoa(cookie)
		}
		denied := false
		err := t.get(ctx, u, func(line string) bool {
			switch {
			case strings.HasPrefix(line, "Cookie:"):
				_, v, _ := strings.Cut(line, "\t")
				c, err := strconv.Atoi(v)
				if err != nil {
					done = true
					return false
				}
				cookie = c
				return true
			case strings.HasSuffix(line, "has no CORRUPT files"), strings.HasSuffix(line, "has no more CORRUPT files"),
				strings.HasSuffix(line, "does not exist"):
				done = true
				return false
			case strings.HasPrefix(line, "Access denied for user"):
				denied = true
				return false
			case line == "", strings.HasPrefix(line, "FSCK started by"), strings.HasPrefix(line, "FSCK ended at"),
				strings.HasPrefix(line, "The filesystem under path"):
				return true
			}
			n++
			if n == 1 {
				fmt.Fprintf(t.out, "The list of corrupt blocks under path '%s' are:\n", dir)
			}
			fmt.Fprintln(t.out, line)
			return true
		})
		if err != nil {
			return fsckFailure, err
		}
		if denied {
			fmt.Fprintf(t.out, "Failed to open path '%s': Permission denied\n", dir)
			return fsckFailure, nil
		}
	}
	fmt.Fprintf(t.out, "The filesystem under path '%s' has %d CORRUPT blocks\n", dir, n)
	if n == 0 {
		return 0, nil
	}
	return fsckFailure, nil
}

// get fetches u (as Hadoop's pseudo authenticator does, with user.name)
// and hands each line to fn until it returns false.
func (t *fsckTool) get(ctx context.Context, u string, fn func(string) bool) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u+"&user.name="+javaURLEncode(t.user), nil)
	if err != nil {
		return err
	}
	resp, err := t.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("Server returned HTTP response code: %d for URL: %s", resp.StatusCode, u)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	sc.Split(scanJavaLines)
	for sc.Scan() {
		if !fn(sc.Text()) {
			return nil
		}
	}
	return sc.Err()
}

// scanJavaLines splits as BufferedReader.readLine: at \n, \r or \r\n.
func scanJavaLines(data []byte, atEOF bool) (int, []byte, error) {
	for i, c := range data {
		switch c {
		case '\n':
			return i + 1, data[:i], nil
		case '\r':
			if i+1 < len(data) {
				if data[i+1] == '\n' {
					return i + 2, data[:i], nil
				}
				return i + 1, data[:i], nil
			}
			if atEOF {
				return i + 1, data[:i], nil
			}
			return 0, nil, nil // a \n may follow
		}
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

// javaURLEncode is java.net.URLEncoder.encode(s, "UTF-8").
func javaURLEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '.', c == '-', c == '*', c == '_':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// errNoActive: with HA, none of the NameNodes says it is active.
var errNoActive = errors.New("no active NameNode found")

// namenodeAddress finds the web address of the NameNode serving dir and
// dir's absolute path (DFSck's getResolvedPath and
// getCurrentNamenodeAddress). With HA it asks each NameNode's /isActive.
// base is "" when dir is not on HDFS (DFSck then exits with 0).
func (t *fsckTool) namenodeAddress(ctx context.Context, dir string) (base, path string, err error) {
	scheme, authority, path := splitFSPath(dir)
	if scheme == "" {
		fs, ok := conf.DefaultFS(t.conf)
		if !ok {
			return "", "", fmt.Errorf("invalid %s", conf.KeyDefaultFS)
		}
		scheme, authority = fs.Scheme, fs.Authority
	}
	if !strings.EqualFold(scheme, "hdfs") {
		fmt.Fprintf(t.err, "FileSystem is %s://%s\n", scheme, fsAuthority(authority))
		return "", "", nil
	}
	if !strings.HasPrefix(path, "/") {
		path = "/user/" + t.user + "/" + path
	}
	path = normalizePath(path)
	nss, err := conf.ReadNameservices(t.conf)
	if err != nil {
		return "", "", err
	}
	host := authority
	if h, _, err := net.SplitHostPort(authority); err == nil {
		host = h
	}
	for _, ns := range nss {
		if ns.ID == "" || ns.ID != host {
			continue
		}
		if !ns.HA() {
			return httpBase(ns.NameNodes[0].HTTP, ns.NameNodes[0].RPC.Host), path, nil
		}
		for _, nn := range ns.NameNodes {
			b := httpBase(nn.HTTP, nn.RPC.Host)
			if t.isActive(ctx, b) {
				return b, path, nil
			}
		}
		return "", "", fmt.Errorf("%w in nameservice %s", errNoActive, ns.ID)
	}
	rpc, err := conf.ParseAddr(authority, conf.DefaultNameNodeRPCPort)
	if err != nil {
		return "", "", err
	}
	for _, ns := range nss {
		for _, nn := range ns.NameNodes {
			if nn.RPC == rpc && !nn.HTTP.IsZero() {
				return httpBase(nn.HTTP, rpc.Host), path, nil
			}
		}
	}
	v, _ := t.conf.GetTrimmed(conf.KeyNameNodeHTTPAddress)
	a, err := conf.ParseAddr(v, -1)
	if err != nil {
		return "", "", err
	}
	return httpBase(a, rpc.Host), path, nil
}

// httpBase is "http://host:port", with a wildcard host replaced by the
// host of the RPC address (DFSUtil.getInfoServer).
func httpBase(a conf.Addr, rpcHost string) string {
	if a.Host == "" || a.Host == "0.0.0.0" || a.Host == "::" {
		a.Host = rpcHost
	}
	return "http://" + a.String()
}

// isActive asks a NameNode's /isActive: 200 means active.
func (t *fsckTool) isActive(ctx context.Context, base string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/isActive", nil)
	if err != nil {
		return false
	}
	resp, err := t.http.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// splitFSPath splits "hdfs://ns1/a" into its scheme, authority and path;
// a plain path has no scheme.
func splitFSPath(p string) (scheme, authority, path string) {
	i := strings.Index(p, ":")
	if i <= 0 || strings.ContainsAny(p[:i], "/") {
		return "", "", p
	}
	u, err := url.Parse(p)
	if err != nil {
		return "", "", p
	}
	path = u.Path
	if path == "" {
		path = "/"
	}
	return u.Scheme, u.Host, path
}

func fsAuthority(a string) string {
	if a == "" {
		return "/"
	}
	return a
}

// normalizePath is Hadoop Path's normalization: no repeated slashes and
// no trailing slash except for the root.
func normalizePath(p string) string {
	for strings.Contains(p, "//") {
		p = strings.ReplaceAll(p, "//", "/")
	}
	if len(p) > 1 {
		p = strings.TrimSuffix(p, "/")
	}
	return p
}
