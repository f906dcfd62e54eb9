package fsck

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/hdfsd/hdfsd/internal/javafmt"
)

// The last-line words DFSck looks for to pick its exit code.
const (
	HealthyStatus     = "is HEALTHY"
	CorruptStatus     = "is CORRUPT"
	NonexistentStatus = "does not exist"
	FailureStatus     = "FAILED"
)

// Request is who asked for the run, and the clock. The times Now returns
// carry the location dates are printed in (the server's zone).
type Request struct {
	User   string // short user name; printed as "<user> (auth:SIMPLE)"
	Remote string // the client address as Java prints it: "/127.0.0.1" (see JavaAddress)
	Now    func() time.Time
	// Flush, when set, pushes what was written so far to the client; it is
	// called where Hadoop flushes (every 1000 entries, and at the end).
	Flush func()
}

// run is one fsck over the namespace: the walk state and the counters.
type run struct {
	src     Source
	o       Options
	req     Request
	cl      Cluster
	w       *bufio.Writer
	sink    *stickyWriter
	start   time.Time
	dirs    int64
	links   int64
	repl    result
	ec      result // stays zero: hdfsd has no erasure-coded files
	snaps   map[string]bool
	storage *policySummary
	// internalError: a corrupt file could not be deleted; the run ends
	// FAILED after its summary (NamenodeFsck.internalError).
	internalError bool
}

// Run writes the fsck report for o to w, reading src. It returns only
// the error of writing to w; errors of src end up in the report, as
// Hadoop prints them ("Fsck on path '/' FAILED").
func Run(w io.Writer, src Source, o Options, req Request) error {
	if req.Now == nil {
		req.Now = time.Now
	}
	sink := &stickyWriter{w: w}
	r := &run{src: src, o: o, req: req, w: bufio.NewWriter(sink), sink: sink, start: req.Now()}
	if o.ShowProgress {
		r.println("The fsck switch -showprogress is deprecated and no longer has any effect. Progress is now shown by default.")
	}
	if o.BlockIDs != nil {
		r.blockIDs()
	} else {
		r.fsck()
	}
	err := r.w.Flush()
	if req.Flush != nil && err == nil {
		req.Flush()
	}
	return err
}

// stickyWriter keeps the first write error, so that the walk stops once
// the client is gone.
type stickyWriter struct {
	w   io.Writer
	err error
}

func (s *stickyWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.w.Write(p)
	s.err = err
	return n, err
}

func (r *run) print(s string)   { _, _ = r.w.WriteString(s) }
func (r *run) println(s string) { _, _ = r.w.WriteString(s + "\n") }

func (r *run) flush() {
	_ = r.w.Flush()
	if r.req.Flush != nil {
		r.req.Flush()
	}
}

func (r *run) user() string { return r.req.User + " (auth:SIMPLE)" }

// ended is the footer line's "FSCK ended at ... in N milliseconds".
func (r *run) ended() string {
	now := r.req.Now()
	return "FSCK ended at " + javafmt.Date(now) + " in " + strconv.FormatInt(now.Sub(r.start).Milliseconds(), 10) + " milliseconds"
}

func (r *run) fsck() {
	r.println("FSCK started by " + r.user() + " from " + r.req.Remote + " for path " + r.o.Path + " at " + javafmt.Date(r.start))
	err := r.check()
	if err != nil && r.sink.err == nil {
		r.println(r.ended())
		r.println(err.Error())
		r.print("\n\nFsck on path '" + r.o.Path + "' " + FailureStatus)
	}
}

// refused returns why o cannot run here: -move (which copies the
// readable blocks of corrupt files into /lost+found through DataNodes) is
// not built; -delete needs a Source that is a Deleter, -replicate one
// that is a Rescanner.
func (o *Options) refused(src Source) error {
	_, canDelete := src.(Deleter)
	_, canRescan := src.(Rescanner)
	for _, f := range []struct {
		on        bool
		name, why string
	}{
		{o.Move, "-move", "copying blocks to /lost+found is not built"},
		{o.Delete && !canDelete, "-delete", "this source cannot delete"},
		{o.Replicate && !canRescan, "-replicate", "this source cannot queue replication work"},
	} {
		if f.on {
			return fmt.Errorf("%w: %s is not supported by hdfsd's fsck (%s)", errRefused, f.name, f.why)
		}
	}
	return nil
}

func (r *run) check() error {
	if err := r.o.refused(r.src); err != nil {
		return err
	}
	r.cl = r.src.Cluster()
	if r.o.IncludeSnapshots {
		dirs, err := r.src.SnapshottableDirs()
		if err != nil {
			return err
		}
		r.snaps = map[string]bool{}
		for _, d := range dirs {
			r.snaps[d] = true
		}
	}
	in, ok, err := r.src.Stat(r.o.Path)
	if err != nil {
		return err
	}
	if !ok {
		r.print("\n\nPath '" + r.o.Path + "' " + NonexistentStatus)
		return nil
	}
	if r.o.ListCorruptFileBlocks {
		return r.listCorruptFileBlocks()
	}
	if r.o.StoragePolicies {
		r.storage = newPolicySummary()
	}
	if err := r.visit(r.o.Path, in); err != nil {
		return err
	}
	return r.summary()
}

// summary prints the totals; after a failed -delete the run fails there,
// before its last line (NamenodeFsck's "fsck encountered internal
// errors!").
func (r *run) summary() error {
	healthy := r.repl.healthy() && r.ec.healthy()
	status := "CORRUPT"
	if healthy {
		status = "HEALTHY"
	}
	r.print("\nStatus: " + status + "\n")
	r.println(" Number of data-nodes:\t" + strconv.Itoa(r.cl.LiveDataNodes))
	r.println(" Number of racks:\t\t" + strconv.Itoa(r.cl.Racks))
	r.println(" Total dirs:\t\t\t" + strconv.FormatInt(r.dirs, 10))
	r.println(" Total symlinks:\t\t" + strconv.FormatInt(r.links, 10))
	r.println("\nReplicated Blocks:")
	r.println(r.repl.format(replicatedLabels, r.cl.DefaultReplication, r.cl.MinReplication))
	r.println("\nErasure Coded Block Groups:")
	r.println(r.ec.format(erasureCodedLabels, r.cl.DefaultReplication, r.cl.MinReplication))
	if r.storage != nil {
		r.print(r.storage.String())
	}
	r.println(r.ended())
	if r.internalError {
		return errors.New("fsck encountered internal errors!")
	}
	if healthy {
		r.print("\n\nThe filesystem under path '" + r.o.Path + "' " + HealthyStatus)
	} else {
		r.print("\n\nThe filesystem under path '" + r.o.Path + "' " + CorruptStatus)
	}
	return nil
}

// fullName is HdfsFileStatus.getFullName: the child's path under parent
// (the inode Stat returns has no name and stands for parent itself).
func fullName(parent, name string) string {
	if name == "" {
		return parent
	}
	if strings.HasSuffix(parent, "/") {
		return parent + name
	}
	return parent + "/" + name
}

// visit checks one inode at path, recursing into directories.
func (r *run) visit(path string, in Inode) error {
	if r.sink.err != nil {
		return r.sink.err // nobody reads the report any more
	}
	if (r.dirs+r.links+r.repl.totalFiles+r.ec.totalFiles)%1000 == 0 {
		r.println("")
		r.flush()
	}
	switch in.Kind {
	case Dir:
		return r.visitDir(path)
	case Symlink:
		if r.o.Files {
			r.println(path + " <symlink>")
		}
		r.links++
		return nil
	}
	fb, ok, err := r.src.Blocks(path)
	if err != nil || !ok {
		return err // a file deleted meanwhile is skipped
	}
	if r.fileSummary(path, in, &fb) {
		r.blocksSummary(path, in, &fb)
	}
	return nil
}

// visitDir walks a directory: first its snapshots (with
// -includeSnapshots, when it is snapshottable), then its own line, then
// its children in name order.
func (r *run) visitDir(path string) error {
	if r.snaps[path] {
		snapPath := path
		if !strings.HasSuffix(snapPath, "/") {
			snapPath += "/"
		}
		snapPath += ".snapshot"
		in, ok, err := r.src.Stat(snapPath)
		if err != nil {
			return err
		}
		if ok {
			if err := r.visit(snapPath, in); err != nil {
				return err
			}
		}
	}
	if r.o.Files {
		r.println(path + " <dir>")
	}
	r.dirs++
	children, err := r.src.List(path)
	if err != nil {
		return err
	}
	for _, c := range children {
		if err := r.visit(fullName(path, c.Name), c); err != nil {
			return err
		}
	}
	return nil
}

// fileSummary counts the file and prints its line; false when the file is
// open for write and -openforwrite was not given (its blocks are then only
// counted as open).
func (r *run) fileSummary(path string, in Inode, fb *FileBlocks) bool {
	res := &r.repl
	n := int64(len(fb.Blocks))
	if fb.UnderConstruction && !r.o.OpenForWrite {
		res.openFilesSize += in.Length
		res.openFileBlocks += n
		res.openFiles++
		return false
	}
	res.totalFiles++
	res.totalSize += in.Length
	res.totalBlocks += n
	head := path + " " + strconv.FormatInt(in.Length, 10) + " bytes, replicated: replication=" +
		strconv.Itoa(in.Replication) + ", " + strconv.FormatInt(n, 10) + " block(s)"
	switch {
	case r.o.OpenForWrite && fb.UnderConstruction:
		r.print(head + ", OPENFORWRITE: ")
	case r.o.Files:
		r.print(head + ": ")
	case res.totalFiles%100 == 0:
		r.print(".")
	}
	return true
}
