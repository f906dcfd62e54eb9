package hdfsclient

import (
	"context"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/hadooprpc"
)

// ClientProtocol's name on the wire and its version.
const (
	Protocol        = "org.apache.hadoop.hdfs.protocol.ClientProtocol"
	ProtocolVersion = 1
)

// Options tune Dial. The zero value is what the Hadoop shell tools use.
type Options struct {
	// Network resolves host names for NameNode.Display; nil is the
	// machine's.
	Network conf.Network
	// User is the effective user; "" picks $HADOOP_USER_NAME or the OS user.
	User   string
	Logger *slog.Logger
	// Dial opens connections; nil uses a net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// NameNode is one NameNode the client may call.
type NameNode struct {
	ID   string // NameNode id within the nameservice; "" when not HA
	Addr string // host:port to dial
	// Display is the address as Java's InetSocketAddress prints it
	// ("/127.0.0.1:8020", "nn1.example.com/10.0.0.1:8020",
	// "nn1.example.com/<unresolved>:8020"), which DFSAdmin's per-NameNode
	// messages show.
	Display string
}

// Client reaches the file system named by fs.defaultFS.
type Client struct {
	rpc       *hadooprpc.Client
	uri       string
	nsID      string
	nameNodes []NameNode
	addrs     []string // the NameNodes' addresses, to dial
	proxy     *hadooprpc.FailoverProxy
	failover  hadooprpc.FailoverOptions
}

// Dial resolves fs.defaultFS of c. It opens no connection: calls do.
func Dial(c *conf.Conf, opts Options) (*Client, error) {
	uri, nsID, addrs, err := resolve(c)
	if err != nil {
		return nil, err
	}
	n := opts.Network
	if n == nil {
		n = conf.SystemNetwork()
	}
	cl := &Client{uri: uri, nsID: nsID}
	for _, a := range addrs {
		cl.nameNodes = append(cl.nameNodes, NameNode{ID: a.NameNode, Addr: a.Addr.String(), Display: javaSocketAddr(n, a.Addr)})
	}
	if cl.rpc, err = NewRPCClient(c, opts); err != nil {
		return nil, err
	}
	fo, err := failoverOptions(c)
	if err != nil {
		cl.rpc.Close()
		return nil, err
	}
	fo.Logger = opts.Logger
	cl.failover = fo
	for _, nn := range cl.nameNodes {
		cl.addrs = append(cl.addrs, nn.Addr)
	}
	cl.proxy = hadooprpc.NewFailoverProxy(cl.rpc, Protocol, cl.addrs, fo)
	return cl, nil
}

// NewRPCClient is a Hadoop RPC client with c's ipc.client.* settings and
// opts' user, dialer and logger: what Dial uses, for callers that talk to
// other daemons (a DataNode's IPC port).
func NewRPCClient(c *conf.Conf, opts Options) (*hadooprpc.Client, error) {
	ipc, err := conf.ReadIPC(c)
	if err != nil {
		return nil, err
	}
	return hadooprpc.NewClient(hadooprpc.ClientConfig{
		User:                 opts.User,
		ConnectTimeout:       ipc.ConnectTimeout,
		ConnectRetries:       retries(ipc.ConnectMaxRetries),
		ConnectRetryInterval: ipc.ConnectRetryInterval,
		MaxDataLength:        ipc.MaxResponseLength,
		Dial:                 opts.Dial,
		Logger:               opts.Logger,
	}), nil
}

// retries maps a Hadoop retry count (0 = none) to hadooprpc's (0 = default).
func retries(n int) int {
	if n <= 0 {
		return -1
	}
	return n
}

func failoverOptions(c *conf.Conf) (hadooprpc.FailoverOptions, error) {
	var fo hadooprpc.FailoverOptions
	var errs [5]error
	fo.MaxFailovers, errs[0] = c.GetInt("dfs.client.failover.max.attempts", 15)
	fo.MaxRetries, errs[1] = c.GetInt("dfs.client.retry.max.attempts", 10)
	fo.SleepBase, errs[2] = c.GetDuration("dfs.client.failover.sleep.base.millis", 500*time.Millisecond, time.Millisecond)
	fo.SleepMax, errs[3] = c.GetDuration("dfs.client.failover.sleep.max.millis", 15*time.Second, time.Millisecond)
	fo.ConnectRetries, errs[4] = c.GetInt("dfs.client.failover.connection.retries", 0)
	for _, err := range errs {
		if err != nil {
			return fo, err
		}
	}
	fo.MaxFailovers, fo.MaxRetries = retries(fo.MaxFailovers), retries(fo.MaxRetries)
	return fo, nil
}

// resolve finds the NameNodes of fs.defaultFS: every NameNode of the
// nameservice when its host is one (HAUtilClient.isLogicalUri), else the
// host:port it names (port 8020 when omitted).
func resolve(c *conf.Conf) (uri, nsID string, addrs []conf.NNAddr, err error) {
	u, ok := conf.DefaultFS(c)
	v, _ := c.GetTrimmed(conf.KeyDefaultFS)
	if !ok || !strings.EqualFold(u.Scheme, "hdfs") {
		return "", "", nil, hadoopErrorf(ErrNotHDFS, "FileSystem %s is not an HDFS file system", fsURIString(u, v))
	}
	uri = "hdfs://" + u.Authority
	if u.Host == "" {
		return "", "", nil, hadoopErrorf(ErrNoAddress, "Incomplete HDFS URI, no host: %s", v)
	}
	for _, ns := range conf.NameserviceIDs(c) {
		if ns != u.Host {
			continue
		}
		list, err := conf.NameNodeRPCAddresses(c)
		if err != nil {
			return "", "", nil, err
		}
		for _, a := range list {
			if a.Nameservice == ns {
				addrs = append(addrs, a)
			}
		}
		if len(addrs) == 0 {
			return "", "", nil, hadoopErrorf(ErrNoAddress, "Could not find any configured addresses for URI %s", uri)
		}
		return uri, ns, addrs, nil
	}
	a, err := conf.ParseAddr(u.Authority, conf.DefaultNameNodeRPCPort)
	if err != nil {
		return "", "", nil, err
	}
	return uri, "", []conf.NNAddr{{Addr: a}}, nil
}

// fsURIString prints a non-HDFS default file system as Java's URI does.
func fsURIString(u conf.FSURI, raw string) string {
	if u.Scheme == "" {
		return raw
	}
	if u.Authority == "" && u.Path == "" {
		return u.Scheme + ":///"
	}
	return u.Scheme + "://" + u.Authority + u.Path
}

// javaSocketAddr prints a as InetSocketAddress.toString does for an
// address Hadoop's NetUtils.createSocketAddr resolved.
func javaSocketAddr(n conf.Network, a conf.Addr) string {
	port := ":" + strconv.Itoa(a.Port)
	if ip := net.ParseIP(a.Host); ip != nil {
		return "/" + javaIP(ip) + port
	}
	ips, err := n.LookupIP(a.Host)
	if err != nil || len(ips) == 0 {
		return a.Host + "/<unresolved>" + port
	}
	pick := ips[0]
	for _, ip := range ips {
		if ip.To4() != nil {
			pick = ip
			break
		}
	}
	return a.Host + "/" + javaIP(pick) + port
}

// javaIP is InetAddress.getHostAddress: dotted quad, or eight
// uncompressed hexadecimal groups for IPv6.
func javaIP(ip net.IP) string {
	if v4 := ip.To4(); v4 != nil {
		return v4.String()
	}
	groups := make([]string, 8)
	for i := range groups {
		groups[i] = strconv.FormatUint(uint64(ip[2*i])<<8|uint64(ip[2*i+1]), 16)
	}
	return strings.Join(groups, ":")
}

// URI is the file system's URI as Java prints it ("hdfs://ns1",
// "hdfs://127.0.0.1:8020").
func (c *Client) URI() string { return c.uri }

// Nameservice is the nameservice fs.defaultFS names, or "" when it names
// a NameNode's address.
func (c *Client) Nameservice() string { return c.nsID }

// IsLogical reports whether fs.defaultFS names a nameservice, in which
// case DFSAdmin runs its per-NameNode commands on every NameNode.
func (c *Client) IsLogical() bool { return c.nsID != "" }

// NameNodes returns the NameNodes in configured order.
func (c *Client) NameNodes() []NameNode { return append([]NameNode(nil), c.nameNodes...) }

// Active returns a Proxy that calls the active NameNode, failing over
// between the nameservice's NameNodes as Hadoop's
// ConfiguredFailoverProxyProvider does.
// When fs.defaultFS names one NameNode's address, it calls that NameNode
// with the IPC client's connect retries only, as Hadoop's non-HA proxy.
func (c *Client) Active() *Proxy {
	if !c.IsLogical() {
		return c.At(c.nameNodes[0])
	}
	return &Proxy{call: c.proxy.Call}
}

// At returns a Proxy that calls NameNode nn alone, without failover.
func (c *Client) At(nn NameNode) *Proxy {
	return &Proxy{call: func(ctx context.Context, method string, req, resp proto.Message) error {
		return c.rpc.Call(ctx, nn.Addr, Protocol, method, req, resp)
	}}
}

// CallFunc calls one method of one protocol.
type CallFunc func(ctx context.Context, method string, req, resp proto.Message) error

// ActiveCaller calls protocol's methods on the active NameNode, failing
// over as Active does: for the NameNode protocols other than
// ClientProtocol (NamenodeProtocol, which the balancer speaks).
func (c *Client) ActiveCaller(protocol string) CallFunc {
	if !c.IsLogical() {
		addr := c.nameNodes[0].Addr
		return func(ctx context.Context, method string, req, resp proto.Message) error {
			return c.rpc.Call(ctx, addr, protocol, method, req, resp)
		}
	}
	return hadooprpc.NewFailoverProxy(c.rpc, protocol, c.addrs, c.failover).Call
}

// Close closes the connections and waits for their goroutines.
func (c *Client) Close() error { return c.rpc.Close() }
