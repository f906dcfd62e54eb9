package bpservice

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"
)

// Protocol is DatanodeProtocol's wire name; its version is 1.
const Protocol = "org.apache.hadoop.hdfs.server.protocol.DatanodeProtocol"

// DefaultRPCTimeout bounds one call to a NameNode.
const DefaultRPCTimeout = 60 * time.Second

// Caller makes Hadoop RPC calls; *hadooprpc.Client is one.
type Caller interface {
	Call(ctx context.Context, addr, protocol, method string, req, resp proto.Message) error
}

// Dataset is what the actors need from the DataNode's storage. Its methods
// are called from the actors' goroutines, concurrently.
type Dataset interface {
	// InitBlockPool is called once, when the first NameNode's handshake
	// fixes the block pool's namespace (Hadoop's DataNode.initBlockPool).
	// An error fails that handshake, which is retried.
	InitBlockPool(ns NamespaceInfo) error
	StorageReports(bpid string) []StorageReport
	HeartbeatStats() HeartbeatStats
	BlockReports(bpid string) []StorageBlockReport
}

// CommandHandler executes NameNode commands (transfer, invalidate, block
// recovery, finalize, key update, balancer bandwidth). Commands of one
// NameNode are handled one at a time, in order, on a goroutine of their
// own, so a slow command does not hold up heartbeats.
type CommandHandler interface {
	HandleCommand(ctx context.Context, nameNode string, cmd Command) error
}

// ServiceConfig configures a Service.
type ServiceConfig struct {
	// NameNodes are the service RPC addresses (dfs.namenode.servicerpc-address,
	// else rpc-address) of the nameservice's NameNodes, one actor each.
	NameNodes       []string
	ID              DatanodeID
	Storage         StorageIDs // ids the storage already holds; empty when fresh
	LayoutVersion   int32      // 0 means DefaultLayoutVersion
	SoftwareVersion string     // "" means DefaultSoftwareVersion
	Timing          Config
	RPCTimeout      time.Duration       // 0 means DefaultRPCTimeout
	Rand            func(n int64) int64 // nil means math/rand/v2
	Logger          *slog.Logger        // nil means slog.Default()
}

// Service is one block pool's BPOfferService: an actor per NameNode, and
// the shared rule of which NameNode to obey.
type Service struct {
	cfg     ServiceConfig
	rpc     Caller
	ds      Dataset
	handler CommandHandler
	log     *slog.Logger
	actors  []*actor

	mu struct {
		sync.Mutex
		offer      *Offer
		warnedKind map[CommandKind]bool
	}
}

// NewService checks cfg and returns a Service; Run starts it.
func NewService(cfg ServiceConfig, rpc Caller, ds Dataset, h CommandHandler) (*Service, error) {
	cfg.Timing = cfg.Timing.WithDefaults()
	if err := cfg.Timing.Validate(); err != nil {
		return nil, err
	}
	if len(cfg.NameNodes) == 0 {
		return nil, errors.New("bpservice: no NameNode addresses")
	}
	if cfg.LayoutVersion == 0 {
		cfg.LayoutVersion = DefaultLayoutVersion
	}
	if cfg.SoftwareVersion == "" {
		cfg.SoftwareVersion = DefaultSoftwareVersion
	}
	if cfg.RPCTimeout <= 0 {
		cfg.RPCTimeout = DefaultRPCTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Service{cfg: cfg, rpc: rpc, ds: ds, handler: h, log: cfg.Logger}
	s.mu.offer = NewOffer(cfg.Storage, cfg.Logger)
	s.mu.warnedKind = map[CommandKind]bool{}
	for i, addr := range cfg.NameNodes {
		s.actors = append(s.actors, newActor(s, i, addr))
	}
	return s, nil
}

// Run runs every actor until ctx ends or all of them stopped, and returns
// the reasons actors stopped on their own (nil after a cancellation).
func (s *Service) Run(ctx context.Context) error {
	errs := make([]error, len(s.actors))
	var wg sync.WaitGroup
	for i, a := range s.actors {
		wg.Go(func() { errs[i] = a.run(ctx) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// NotifyBlock tells every NameNode about a replica event on storage.
func (s *Service) NotifyBlock(storage Storage, ev BlockEvent) {
	s.each(func(c *Core, now time.Time) { c.NotifyBlock(now, storage, ev) })
}

// ReportBadBlock reports a corrupt replica to every NameNode.
func (s *Service) ReportBadBlock(bb BadBlock) {
	s.each(func(c *Core, _ time.Time) { c.ReportBadBlock(bb) })
}

// ErrorReport sends an error report to every NameNode.
func (s *Service) ErrorReport(code ErrorCode, msg string) {
	s.each(func(c *Core, _ time.Time) { c.ErrorReport(code, msg) })
}

// ForceFullBlockReport makes every actor send a full block report.
func (s *Service) ForceFullBlockReport() {
	s.each(func(c *Core, _ time.Time) { c.ForceFullBlockReport() })
}

// TriggerIncrementalReport makes every actor send its pending incremental
// report now.
func (s *Service) TriggerIncrementalReport() {
	s.each(func(c *Core, now time.Time) { c.TriggerIncrementalReport(now) })
}

// Retime changes every actor's block report interval, initial delay and
// split threshold to t's (see Core.Retime), once t proves valid.
func (s *Service) Retime(t Config) error {
	if err := t.Validate(); err != nil {
		return err
	}
	s.each(func(c *Core, _ time.Time) { c.Retime(t) })
	return nil
}

func (s *Service) each(ev func(*Core, time.Time)) {
	for _, a := range s.actors {
		a.post(ev)
	}
}

// Active returns the address of the NameNode the pool obeys, if any.
func (s *Service) Active() (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i := s.mu.offer.Active(); i >= 0 {
		return s.cfg.NameNodes[i], true
	}
	return "", false
}

// Namespace returns the namespace adopted at the first handshake.
func (s *Service) Namespace() (NamespaceInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mu.offer.Namespace()
}

func (s *Service) handshake(nn int, ns NamespaceInfo) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	first, err := s.mu.offer.Handshake(nn, ns)
	if err != nil {
		return err
	}
	if first {
		if err := s.ds.InitBlockPool(ns); err != nil {
			s.mu.offer.ResetNamespace()
			return fmt.Errorf("bpservice: initializing block pool %s: %w", ns.BlockPoolID, err)
		}
	}
	return nil
}

func (s *Service) heartbeat(nn int, st HAStatus) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mu.offer.Heartbeat(nn, st)
}

func (s *Service) isActive(nn int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mu.offer.IsActive(nn)
}

// warnOnce reports whether an unsupported command kind is seen first.
func (s *Service) warnOnce(k CommandKind) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mu.warnedKind[k] {
		return false
	}
	s.mu.warnedKind[k] = true
	return true
}
