package namenode

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/namenode/editlog"
	"github.com/hdfsd/hdfsd/namenode/journal"
	"github.com/hdfsd/hdfsd/namenode/namespace"
	"github.com/hdfsd/hdfsd/namenode/storage"
)

// RecoverOptions are `hdfs namenode -recover [-force]`'s.
type RecoverOptions struct {
	Force    bool // answer every question with its first choice
	In       io.Reader
	Out, Err io.Writer
	Logger   *slog.Logger
}

// Recover is Hadoop's metadata recovery mode: it loads the newest image
// and replays the edits after it; when an edit cannot be read or applied
// it asks whether to stop there, abandoning the later edits, or quit
// without saving. On stop it saves a new image at the last good
// transaction and sets every later segment aside (renamed with a
// ".corrupt" suffix), so the next regular start begins from there and no
// file is deleted.
func Recover(ctx context.Context, c *conf.Conf, cfg Config, o RecoverOptions) int {
	in := bufio.NewReader(o.In)
	// confirm is ToolRunner.confirmPrompt: "<prompt> (Y or N) " until the
	// answer is y, yes, n or no.
	confirm := func(prompt string, _ ...string) string {
		for {
			fmt.Fprint(o.Out, prompt+" (Y or N) ")
			line, err := in.ReadString('\n')
			switch strings.ToLower(strings.TrimSpace(line)) {
			case "y", "yes":
				return "y"
			case "n", "no":
				return "n"
			}
			if err != nil {
				return "n"
			}
			fmt.Fprintln(o.Out, "Invalid input: "+strings.TrimSpace(line))
		}
	}
	ask := func(prompt string, choices ...string) string {
		if o.Force {
			fmt.Fprintf(o.Out, "%s\nautomatically choosing %s\n", prompt, choices[0])
			return choices[0]
		}
		for {
			fmt.Fprintf(o.Out, "%s (%s)\n", prompt, strings.Join(choices, "/"))
			line, err := in.ReadString('\n')
			a := strings.ToLower(strings.TrimSpace(line))
			for _, ch := range choices {
				if a == ch {
					return a
				}
			}
			if err != nil {
				return "q"
			}
		}
	}
	// -force answers the recovery questions, not this one (Hadoop's
	// FORCE_FIRST_CHOICE is below FORCE_ALL).
	if confirm("You have selected Metadata Recovery mode.  This mode is intended to recover lost metadata on a corrupt filesystem.  Metadata recovery mode often permanently deletes data from your HDFS filesystem.  Please back up your edit log and fsimage before trying this!\n\nAre you ready to proceed? (Y/N)\n") != "y" {
		fmt.Fprintln(o.Err, "Recovery aborted at user request.")
		return 1
	}
	log := o.Logger
	if log == nil {
		log = slog.Default()
	}
	fail := func(err error) int {
		fmt.Fprintf(o.Err, "hdfsd namenode -recover: %v\n", err)
		return 1
	}
	fsys := storage.OSFS
	st, err := storage.Load(fsys, storage.NewDirs(cfg.NameDirs, cfg.EditsDirs))
	if err != nil {
		return fail(err)
	}
	defer st.Close()
	scan := journal.Scanner(fsys)
	plan, err := st.Inspect(scan, storage.InspectOptions{InProgressOK: true})
	if err != nil {
		return fail(err)
	}
	img, err := loadNewestImage(plan, cfg)
	if err != nil {
		return fail(err)
	}
	ids := img.ids
	rc := &recoverer{ask: ask, out: o.Out, fsys: fsys,
		ap: &applier{tree: img.tree, ids: &ids, super: namespace.Op{User: cfg.User}, last: img.txid}}
	if !rc.replay(plan.Segments) {
		fmt.Fprintln(o.Err, "Recovery aborted at user request.")
		return 1
	}
	last := rc.ap.last
	if rc.problems == 0 {
		fmt.Fprintf(o.Out, "The edit log is intact up to txid %d; nothing to recover.\n", last)
	}
	ns := &Namesystem{cfg: cfg, meta: img.meta}
	if err := st.SaveImage(last, imageSaver(img.tree, ns.imageMeta(ids, last), cfg)); err != nil {
		return fail(err)
	}
	for _, seg := range plan.Segments {
		if !seg.InProgress && seg.Last <= last {
			continue
		}
		for _, cp := range seg.Copies {
			if err := fsys.Rename(cp.Path(), cp.Path()+".corrupt"); err != nil {
				return fail(err)
			}
			log.Warn("set aside an edit segment past the recovered txid", "file", cp.Path()+".corrupt")
		}
	}
	if err := st.WriteSeenTxID(last); err != nil {
		return fail(err)
	}
	fmt.Fprintf(o.Out, "RECOVERY COMPLETE: saved fsimage at txid %d\n", last)
	return 0
}

// recoverer replays edit segments as Hadoop's recovery mode does
// (MetaRecoveryContext): at every op that cannot be read or applied it
// asks whether to skip it and go on, stop there, or quit.
type recoverer struct {
	ask      func(prompt string, choices ...string) string
	out      io.Writer
	fsys     storage.FS
	ap       *applier
	always   bool // 'a': continue from now on without asking
	problems int
}

const recoveryChoices = "Enter 'c' to continue, skipping the bad section in the log\n" +
	"Enter 's' to stop reading the edit log here, abandoning any later edits\n" +
	"Enter 'q' to quit without saving\n" +
	"Enter 'a' to always select the first choice in the future without prompting."

// decide reports a problem and returns 'c', 's' or 'q'.
func (r *recoverer) decide(problem string) string {
	r.problems++
	fmt.Fprintln(r.out, problem)
	if r.always {
		fmt.Fprintln(r.out, "automatically choosing c")
		return "c"
	}
	a := r.ask(recoveryChoices, "c", "s", "q", "a")
	if a == "a" {
		r.always = true
		return "c"
	}
	return a
}

// replay applies every segment; false means quit without saving.
func (r *recoverer) replay(segs []storage.Segment) bool {
	for _, seg := range segs {
		if len(seg.Copies) == 0 {
			continue
		}
		c := seg.Copies[0]
		data, err := storage.ReadFile(r.fsys, c.Path())
		if err != nil {
			switch r.decide(fmt.Sprintf("Cannot read %s: %v", c.Path(), err)) {
			case "q":
				return false
			case "s":
				return true
			}
			continue
		}
		switch r.segment(c.Path(), data, c.InProgress) {
		case "q":
			return false
		case "s":
			return true
		}
	}
	return true
}

// segment replays one file; it returns "s" or "q" when told to stop. A
// torn tail ends an in-progress segment normally; in a finalized one it
// is damage.
func (r *recoverer) segment(path string, data []byte, inProgress bool) string {
	rd, err := editlog.NewReader(bytes.NewReader(data))
	if err != nil {
		if a := r.decide(fmt.Sprintf("%s: unreadable header: %v", path, err)); a != "c" {
			return a
		}
		return ""
	}
	rd.AllowTornTail()
	lv := rd.LayoutVersion()
	base := int64(0)
	for {
		op, err := rd.Next()
		if err == io.EOF {
			terr := rd.TornTail()
			if terr == nil || inProgress {
				return ""
			}
			err = terr
		}
		if err != nil {
			at := base + rd.Offset()
			if a := r.decide(fmt.Sprintf("%s: cannot read the op after txid %d at offset %d: %v", path, r.ap.last, at, err)); a != "c" {
				return a
			}
			next, nbase := r.resync(data, at, lv)
			if next == nil {
				return ""
			}
			rd, base = next, nbase
			continue
		}
		if op.TxID != editlog.InvalidTxID && op.TxID <= r.ap.last {
			continue // already applied (an older copy or the image)
		}
		if op.TxID != editlog.InvalidTxID && op.TxID != r.ap.last+1 {
			if a := r.decide(fmt.Sprintf("There appears to be a gap in the edit log.  We expected txid %d, but got txid %d.",
				r.ap.last+1, op.TxID)); a != "c" {
				return a
			}
		}
		if err := r.ap.apply(&op); err != nil {
			if a := r.decide(fmt.Sprintf("Failed to apply edit log operation %s (txid %d): %v", op.Code, op.TxID, err)); a != "c" {
				return a
			}
			if op.TxID != editlog.InvalidTxID {
				r.ap.last = op.TxID
			}
		}
	}
}

// resync finds the next readable op after offset at whose txid is past
// the last applied one, and returns a reader positioned on it.
func (r *recoverer) resync(data []byte, at int64, lv int32) (*editlog.Reader, int64) {
	for p := at + 1; p < int64(len(data)); p++ {
		if data[p] == byte(editlog.OpInvalid) {
			continue
		}
		probe, err := editlog.NewRecordReader(bytes.NewReader(data[p:]), lv)
		if err != nil {
			continue
		}
		op, err := probe.Next()
		if err != nil || op.TxID <= r.ap.last {
			continue
		}
		rd, err := editlog.NewRecordReader(bytes.NewReader(data[p:]), lv)
		if err != nil {
			continue
		}
		rd.AllowTornTail()
		return rd, p
	}
	return nil, 0
}
