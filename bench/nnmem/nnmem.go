// Package nnmem measures a NameNode process holding a large namespace:
// how long it takes from start to its first RPC answer, and how much
// memory (live Go heap, resident set) each file costs. It writes a
// synthetic name directory (N empty files in directories of -perdir), starts
// `hdfsd namenode` on it as a separate process, and reads the process's
// figures. The per-file figures subtract the same figures of a NameNode
// with an empty namespace, started in the same run.
package nnmem

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/hadooprpc"
	"github.com/hdfsd/hdfsd/namenode"
	"github.com/hdfsd/hdfsd/namenode/namespace"
	"github.com/hdfsd/hdfsd/namenode/nnimage"
	"github.com/hdfsd/hdfsd/namenode/storage"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

const clientProtocol = "org.apache.hadoop.hdfs.protocol.ClientProtocol"

// Targets of issue 3, and stock Hadoop 3.3.2's figures on this machine kind.
const (
	targetHeapPerFile = 100.0
	targetRSSPerFile  = 150.0
	targetStartup     = time.Second
	targetGCPause     = 10 * time.Millisecond
)

type options struct {
	files, perDir int
	bin, dir      string
	load          time.Duration
	keep          bool
}

// Run is `hdfsd bench nnmem`.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("nnmem", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var o options
	fl.IntVar(&o.files, "files", 1000000, "empty files in the namespace")
	fl.IntVar(&o.perDir, "perdir", 1000, "files per directory")
	fl.StringVar(&o.bin, "bin", "", "hdfsd binary to start (default: this one)")
	fl.StringVar(&o.dir, "dir", "", "work folder (default: a temporary one)")
	fl.DurationVar(&o.load, "load", 10*time.Second, "mixed RPC load to run while measuring GC pauses (0: none)")
	fl.BoolVar(&o.keep, "keep", false, "keep the work folder")
	if err := fl.Parse(args); err != nil {
		return 1
	}
	if err := run(ctx, o, stdout); err != nil {
		fmt.Fprintf(stderr, "hdfsd bench nnmem: %v\n", err)
		return 1
	}
	return 0
}

type figures struct {
	startup   time.Duration
	liveHeap  float64
	rss       float64
	inodes    int
	p50, p99  time.Duration
	pauseMax  time.Duration
	loadOps   int64
	loadTook  time.Duration
	rssLoaded float64 // RSS after the load
}

func run(ctx context.Context, o options, out io.Writer) error {
	if o.bin == "" {
		exe, err := os.Executable()
		if err != nil {
			return err
		}
		o.bin = exe
	}
	if o.dir == "" {
		d, err := os.MkdirTemp("", "hdfsd-nnmem-")
		if err != nil {
			return err
		}
		o.dir = d
	}
	if !o.keep {
		defer os.RemoveAll(o.dir)
	}
	fmt.Fprintf(out, "hdfsd bench nnmem: %d empty files in directories of %d\n", o.files, o.perDir)
	base, err := measure(ctx, o, filepath.Join(o.dir, "empty"), 0, 0)
	if err != nil {
		return fmt.Errorf("empty namespace: %w", err)
	}
	full, err := measure(ctx, o, filepath.Join(o.dir, "full"), o.files, o.load)
	if err != nil {
		return fmt.Errorf("%d files: %w", o.files, err)
	}
	n := float64(o.files)
	heap := (full.liveHeap - base.liveHeap) / n
	rss := (full.rss - base.rss) / n
	fmt.Fprintf(out, "empty namespace:  startup %v, live heap %.1f MiB, RSS %.1f MiB\n",
		base.startup.Round(time.Millisecond), base.liveHeap/(1<<20), base.rss/(1<<20))
	fmt.Fprintf(out, "%d inodes: startup %v, live heap %.1f MiB, RSS %.1f MiB\n", full.inodes,
		full.startup.Round(time.Millisecond), full.liveHeap/(1<<20), full.rss/(1<<20))
	fmt.Fprintf(out, "per file (minus the empty NameNode): live heap %.1f B (target %.0f: %.2fx), RSS %.1f B (target %.0f: %.2fx)\n",
		heap, targetHeapPerFile, heap/targetHeapPerFile, rss, targetRSSPerFile, rss/targetRSSPerFile)
	fmt.Fprintf(out, "startup to first RPC: %v (target %v: %.2fx; empty namespace %v)\n",
		full.startup.Round(time.Millisecond), targetStartup, full.startup.Seconds()/targetStartup.Seconds(),
		base.startup.Round(time.Millisecond))
	if o.load > 0 {
		fmt.Fprintf(out, "GC pauses under %d RPCs in %v: p50 %v, p99 %v, max %v (target max %v: %.2fx)\n",
			full.loadOps, full.loadTook.Round(time.Millisecond), full.p50, full.p99, full.pauseMax,
			targetGCPause, full.pauseMax.Seconds()/targetGCPause.Seconds())
		after := (full.rssLoaded - base.rss) / n
		fmt.Fprintf(out, "RSS per file after the load (minus the empty NameNode): %.1f B (target %.0f: %.2fx)\n",
			after, targetRSSPerFile, after/targetRSSPerFile)
	}
	return nil
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// measure prepares a name directory with files empty files, starts a
// NameNode on it and reads its figures.
func measure(ctx context.Context, o options, dir string, files int, load time.Duration) (figures, error) {
	var f figures
	rpcAddr, err := freeAddr()
	if err != nil {
		return f, err
	}
	httpAddr, err := freeAddr()
	if err != nil {
		return f, err
	}
	confDir := filepath.Join(dir, "conf")
	if err := os.MkdirAll(confDir, 0o755); err != nil {
		return f, err
	}
	site := fmt.Sprintf(`<?xml version="1.0"?><configuration>
<property><name>dfs.namenode.name.dir</name><value>%s</value></property>
<property><name>dfs.namenode.rpc-address</name><value>%s</value></property>
<property><name>dfs.namenode.http-address</name><value>%s</value></property>
<property><name>dfs.namenode.fs-limits.min-block-size</name><value>16</value></property>
</configuration>`, filepath.Join(dir, "name"), rpcAddr, httpAddr)
	if err := os.WriteFile(filepath.Join(confDir, "hdfs-site.xml"), []byte(site), 0o644); err != nil {
		return f, err
	}
	if err := prepare(confDir, files, o.perDir); err != nil {
		return f, err
	}
	cmd := exec.CommandContext(ctx, o.bin, "--config", confDir, "--loglevel", "WARN", "namenode")
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return f, err
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
		}
	}()
	c := hadooprpc.NewClient(hadooprpc.ClientConfig{Logger: slog.New(slog.DiscardHandler), ConnectRetries: -1})
	defer c.Close()
	for {
		cctx, cancel := context.WithTimeout(ctx, time.Second)
		err := c.Call(cctx, rpcAddr, clientProtocol, "getFileInfo",
			&hdfspb.GetFileInfoRequestProto{Src: proto.String("/")}, &hdfspb.GetFileInfoResponseProto{})
		cancel()
		if err == nil {
			break
		}
		if time.Since(start) > 10*time.Minute || ctx.Err() != nil {
			return f, fmt.Errorf("no RPC answer: %w", err)
		}
		time.Sleep(2 * time.Millisecond)
	}
	f.startup = time.Since(start)
	h, err := readHeap(httpAddr)
	if err != nil {
		return f, err
	}
	f.liveHeap, f.inodes = h.LiveHeapBytes, h.Inodes
	if f.rss, err = rssOf(cmd.Process.Pid); err != nil {
		return f, err
	}
	if load > 0 {
		f.loadOps, f.loadTook = runLoad(ctx, c, rpcAddr, load, files, o.perDir)
		if h, err = readHeap(httpAddr); err != nil {
			return f, err
		}
		if f.rssLoaded, err = rssOf(cmd.Process.Pid); err != nil {
			return f, err
		}
		f.p50 = time.Duration(h.GCPauseP50Micros) * time.Microsecond
		f.p99 = time.Duration(h.GCPauseP99Micros) * time.Microsecond
		f.pauseMax = time.Duration(h.GCPauseMaxMicros) * time.Microsecond
	}
	return f, nil
}

type heapFigures struct {
	LiveHeapBytes    float64 `json:"liveHeapBytes"`
	Inodes           int     `json:"inodes"`
	GCPauseP50Micros int64   `json:"gcPauseP50Micros"`
	GCPauseP99Micros int64   `json:"gcPauseP99Micros"`
	GCPauseMaxMicros int64   `json:"gcPauseMaxMicros"`
}

// readHeap asks the NameNode for its live heap after a collection.
func readHeap(httpAddr string) (heapFigures, error) {
	var h heapFigures
	resp, err := http.Get("http://" + httpAddr + "/debug/heap")
	if err != nil {
		return h, err
	}
	defer resp.Body.Close()
	return h, json.NewDecoder(resp.Body).Decode(&h)
}

func rssOf(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// prepare formats the name directory and replaces its empty image with
// one holding files empty files.
func prepare(confDir string, files, perDir int) error {
	c, err := conf.Load(confDir)
	if err != nil {
		return err
	}
	cfg, err := namenode.ConfigFrom(c)
	if err != nil {
		return err
	}
	quiet := slog.New(slog.DiscardHandler)
	if err := namenode.Format(cfg, storage.FormatOptions{NonInteractive: true, Force: true}, quiet); err != nil {
		return err
	}
	if files == 0 {
		return nil
	}
	v, err := storage.ReadVersion(storage.OSFS, cfg.NameDirs[0])
	if err != nil {
		return err
	}
	tree, err := syntheticTree(cfg.Namespace, files, perDir)
	if err != nil {
		return err
	}
	meta := nnimage.NewMeta(v.NamespaceID)
	dirs := storage.NewDirs(cfg.NameDirs, cfg.EditsDirs)
	return storage.SaveImage(storage.OSFS, dirs, 0, func(w io.Writer) error {
		return nnimage.Write(w, tree, meta, nnimage.Options{})
	})
}

func syntheticTree(cfg namespace.Config, files, perDir int) (*namespace.Tree, error) {
	dirs := (files + perDir - 1) / perDir
	l, err := namespace.NewLoader(cfg, 1+dirs+files)
	if err != nil {
		return nil, err
	}
	perm := namespace.PermissionStatus{User: cfg.FsOwner, Group: cfg.Supergroup, Mode: 0o755}
	root := &namespace.Inode{ID: namespace.RootID, Type: namespace.InodeDir, Perm: perm,
		NSQuota: 1<<63 - 1, SSQuota: -1}
	if err := l.Add(root); err != nil {
		return nil, err
	}
	id := int64(namespace.RootID)
	now := time.Now().UnixMilli()
	fperm := perm
	fperm.Mode = 0o644
	var top []int64
	made := 0
	for d := 0; d < dirs; d++ {
		id++
		dirID := id
		top = append(top, dirID)
		if err := l.Add(&namespace.Inode{ID: dirID, Type: namespace.InodeDir, Name: []byte("dir" + strconv.Itoa(d)),
			Perm: perm, Mtime: now, NSQuota: -1, SSQuota: -1}); err != nil {
			return nil, err
		}
		var kids []int64
		for i := 0; i < perDir && made < files; i++ {
			id++
			made++
			kids = append(kids, id)
			if err := l.Add(&namespace.Inode{ID: id, Type: namespace.InodeFile, Name: []byte("file" + strconv.Itoa(i)),
				Perm: fperm, Mtime: now, Atime: now, Replication: 3, BlockSize: 128 << 20}); err != nil {
				return nil, err
			}
		}
		if err := l.AddChildren(dirID, kids); err != nil {
			return nil, err
		}
	}
	if err := l.AddChildren(namespace.RootID, top); err != nil {
		return nil, err
	}
	l.SetLastInodeID(id)
	return l.Finish()
}

// runLoad drives getFileInfo calls on existing files and create/complete/
// delete cycles, from 16 goroutines, for d.
func runLoad(ctx context.Context, c *hadooprpc.Client, addr string, d time.Duration, files, perDir int) (int64, time.Duration) {
	var ops atomic.Int64
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline) && ctx.Err() == nil; i++ {
				var err error
				if i%4 == 3 {
					p := fmt.Sprintf("/load/%d/f%d", g, i)
					var cr hdfspb.CreateResponseProto
					err = c.Call(ctx, addr, clientProtocol, "create", &hdfspb.CreateRequestProto{Src: proto.String(p),
						Masked: &hdfspb.FsPermissionProto{Perm: proto.Uint32(0o644)}, ClientName: proto.String(fmt.Sprintf("load-%d", g)),
						CreateFlag: proto.Uint32(1), CreateParent: proto.Bool(true), Replication: proto.Uint32(3),
						BlockSize: proto.Uint64(128 << 20)}, &cr)
					if err == nil {
						err = c.Call(ctx, addr, clientProtocol, "complete", &hdfspb.CompleteRequestProto{Src: proto.String(p),
							ClientName: proto.String(fmt.Sprintf("load-%d", g)), FileId: proto.Uint64(cr.GetFs().GetFileId())},
							&hdfspb.CompleteResponseProto{})
					}
				} else {
					n := (g*7919 + i*104729) % max(files, 1)
					p := fmt.Sprintf("/dir%d/file%d", n/perDir, n%perDir)
					err = c.Call(ctx, addr, clientProtocol, "getFileInfo", &hdfspb.GetFileInfoRequestProto{Src: proto.String(p)},
						&hdfspb.GetFileInfoResponseProto{})
				}
				if err == nil {
					ops.Add(1)
				}
			}
		}(g)
	}
	wg.Wait()
	return ops.Load(), time.Since(start)
}
