package namenode

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/hdfsd/hdfsd/conf"
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
	if !o.Force && ask("You have selected Metadata Recovery mode.  This mode is intended to recover lost metadata on a corrupt filesystem.  Metadata recovery mode often permanently deletes data from your HDFS filesystem.  Please back up your edit log and fsimage before trying this!\n\nAre you ready to proceed? (Y/N)", "y", "n") != "y" {
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
	ap := &applier{tree: img.tree, ids: &ids, super: namespace.Op{User: cfg.User}, last: img.txid}
	last, rerr := journal.Replay(fsys, plan.Segments, img.txid+1, ap.apply)
	if rerr == nil {
		fmt.Fprintf(o.Out, "The edit log is intact up to txid %d; nothing to recover.\n", last)
	} else {
		fmt.Fprintf(o.Out, "Encountered an error reading the edit log after txid %d: %v\n", last, rerr)
		switch ask("Enter 's' to stop reading the edit log here, abandoning any later edits\nEnter 'q' to quit without saving", "s", "q") {
		case "q":
			fmt.Fprintln(o.Err, "Recovery aborted at user request.")
			return 1
		}
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
