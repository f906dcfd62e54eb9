package conf

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// IPC holds the Hadoop IPC (RPC) settings of servers and clients. Hadoop
// reads every one of them with getInt, so time values are plain
// milliseconds (no suffixes), as here.
type IPC struct {
	// Server side.
	MaxDataLength           int           // ipc.maximum.data.length: largest request accepted
	MaxConnections          int           // ipc.server.max.connections: 0 means unlimited
	HandlerQueueSize        int           // ipc.server.handler.queue.size: call queue per handler
	ReadThreads             int           // ipc.server.read.threadpool.size
	ReadConnectionQueueSize int           // ipc.server.read.connection-queue.size
	ListenQueueSize         int           // ipc.server.listen.queue.size: listen backlog
	MaxResponseSize         int           // ipc.server.max.response.size: larger responses are logged
	ServerTCPNoDelay        bool          // ipc.server.tcpnodelay
	ServerIdleTime          time.Duration // 2 x ipc.client.connection.maxidletime (Hadoop's server rule)
	IdleScanInterval        time.Duration // ipc.client.connection.idle-scan-interval.ms
	IdleThreshold           int           // ipc.client.idlethreshold: connections before idle scans
	KillMax                 int           // ipc.client.kill.max: idle connections closed per scan

	// Client side.
	MaxResponseLength           int           // ipc.maximum.response.length: 0 means unlimited
	MaxIdleTime                 time.Duration // ipc.client.connection.maxidletime
	Ping                        bool          // ipc.client.ping
	PingInterval                time.Duration // ipc.ping.interval
	RPCTimeout                  time.Duration // ipc.client.rpc-timeout.ms: 0 means none
	ConnectTimeout              time.Duration // ipc.client.connect.timeout
	ConnectMaxRetries           int           // ipc.client.connect.max.retries
	ConnectRetryInterval        time.Duration // ipc.client.connect.retry.interval
	ConnectMaxRetriesOnTimeouts int           // ipc.client.connect.max.retries.on.timeouts
	ClientTCPNoDelay            bool          // ipc.client.tcpnodelay

	// Security.
	Authentication string   // hadoop.security.authentication, lower case
	Protection     []string // hadoop.rpc.protection, lower case
}

// ReadIPC reads the IPC settings once; call Validate on the result.
func ReadIPC(c *Conf) (IPC, error) {
	r := reader{c: c}
	ipc := IPC{
		MaxDataLength:               r.int("ipc.maximum.data.length", 128<<20),
		MaxConnections:              r.int("ipc.server.max.connections", 0),
		HandlerQueueSize:            r.int("ipc.server.handler.queue.size", 100),
		ReadThreads:                 r.int("ipc.server.read.threadpool.size", 1),
		ReadConnectionQueueSize:     r.int("ipc.server.read.connection-queue.size", 100),
		ListenQueueSize:             r.int("ipc.server.listen.queue.size", 256),
		MaxResponseSize:             r.int("ipc.server.max.response.size", 1024*1024),
		ServerTCPNoDelay:            c.GetBool("ipc.server.tcpnodelay", true),
		IdleScanInterval:            r.millis("ipc.client.connection.idle-scan-interval.ms", 10000),
		IdleThreshold:               r.int("ipc.client.idlethreshold", 4000),
		KillMax:                     r.int("ipc.client.kill.max", 10),
		MaxResponseLength:           r.int("ipc.maximum.response.length", 128<<20),
		MaxIdleTime:                 r.millis("ipc.client.connection.maxidletime", 10000),
		Ping:                        c.GetBool("ipc.client.ping", true),
		PingInterval:                r.millis("ipc.ping.interval", 60000),
		RPCTimeout:                  max(r.millis("ipc.client.rpc-timeout.ms", 120000), 0),
		ConnectTimeout:              r.millis("ipc.client.connect.timeout", 20000),
		ConnectMaxRetries:           r.int("ipc.client.connect.max.retries", 10),
		ConnectRetryInterval:        r.millis("ipc.client.connect.retry.interval", 1000),
		ConnectMaxRetriesOnTimeouts: r.int("ipc.client.connect.max.retries.on.timeouts", 45),
		ClientTCPNoDelay:            c.GetBool("ipc.client.tcpnodelay", true),
		Authentication:              strings.ToLower(r.trimmed(KeySecurityAuth, "simple")),
		Protection:                  lowerAll(c.GetStrings(KeyRPCProtection)),
	}
	ipc.ServerIdleTime = 2 * ipc.MaxIdleTime
	if len(ipc.Protection) == 0 {
		ipc.Protection = []string{"authentication"}
	}
	return ipc, r.err
}

// Validate checks the settings the way the Hadoop IPC server and client
// would reject them.
func (p IPC) Validate() error {
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf("conf: "+format, args...))
		}
	}
	check(p.MaxDataLength > 0, "ipc.maximum.data.length must be positive, got %d", p.MaxDataLength)
	check(p.MaxResponseLength >= 0, "ipc.maximum.response.length must not be negative, got %d", p.MaxResponseLength)
	check(p.MaxConnections >= 0, "ipc.server.max.connections must not be negative, got %d", p.MaxConnections)
	check(p.HandlerQueueSize > 0, "ipc.server.handler.queue.size must be positive, got %d", p.HandlerQueueSize)
	check(p.ReadThreads > 0, "ipc.server.read.threadpool.size must be positive, got %d", p.ReadThreads)
	check(p.ListenQueueSize > 0, "ipc.server.listen.queue.size must be positive, got %d", p.ListenQueueSize)
	check(p.MaxIdleTime >= 0, "ipc.client.connection.maxidletime must not be negative, got %v", p.MaxIdleTime)
	check(p.PingInterval > 0 || !p.Ping, "ipc.ping.interval must be positive when ipc.client.ping is on, got %v", p.PingInterval)
	check(p.ConnectTimeout >= 0, "ipc.client.connect.timeout must not be negative, got %v", p.ConnectTimeout)
	check(p.ConnectRetryInterval >= 0, "ipc.client.connect.retry.interval must not be negative, got %v", p.ConnectRetryInterval)
	check(validAuthentication(p.Authentication), "hadoop.security.authentication=%q is not simple, kerberos or token", p.Authentication)
	for _, q := range p.Protection {
		check(q == "authentication" || q == "integrity" || q == "privacy",
			"hadoop.rpc.protection value %q is not authentication, integrity or privacy", q)
	}
	return errors.Join(errs...)
}

func validAuthentication(a string) bool {
	switch a {
	case "simple", "kerberos", "token":
		return true
	}
	return false
}

func lowerAll(items []string) []string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = strings.ToLower(s)
	}
	return out
}
