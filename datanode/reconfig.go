package datanode

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/datanode/bpservice"
	"github.com/hdfsd/hdfsd/datanode/dnipc"
	"github.com/hdfsd/hdfsd/datanode/xceiver"
)

// A running DataNode's reconfiguration (Hadoop's ReconfigurableBase and
// DataNode.reconfigurePropertyImpl): `dfsadmin -reconfig datanode HOST:IPC
// start` makes it reread its configuration files and apply, in the
// background, each reconfigurable property whose value changed;
// `status` reports the outcome.

// reconfigurable lists the properties a reconfiguration applies, in
// Hadoop's order. Hadoop's DataNode lists more: dfs.datanode.data.dir
// (volumes cannot be added or removed while running yet) and the
// settings of subsystems this DataNode has not (cache reports, peer and
// disk outlier detection, I/O profiling, du, the disk balancer, the
// slow-I/O warning). A change to any of those is left alone, as Hadoop
// leaves a property it does not list.
var reconfigurable = []string{
	"dfs.datanode.balance.max.concurrent.moves",
	"dfs.blockreport.intervalMsec",
	"dfs.blockreport.split.threshold",
	"dfs.blockreport.initialDelay",
	"dfs.datanode.max.transfer.threads",
	"dfs.datanode.data.transfer.bandwidthPerSec",
	"dfs.datanode.data.write.bandwidthPerSec",
	"dfs.datanode.data.read.bandwidthPerSec",
}

// propertyChange is a reconfigurable property whose raw value differs
// between the configuration in force and the one just read, counting a
// value that appeared or went away (ReconfigurationUtil.PropertyChange).
type propertyChange struct {
	prop           string
	old, new       string
	oldSet, newSet bool
}

// changedProperties compares the raw values of the reconfigurable
// properties in cur and next.
func changedProperties(cur, next *conf.Conf) []propertyChange {
	var out []propertyChange
	for _, p := range reconfigurable {
		o, oldSet := cur.Raw(p)
		n, newSet := next.Raw(p)
		if oldSet != newSet || o != n {
			out = append(out, propertyChange{prop: p, old: o, new: n, oldSet: oldSet, newSet: newSet})
		}
	}
	return out
}

// reconfigState is the last reconfiguration task, as
// ReconfigurationTaskStatus reports it.
type reconfigState struct {
	mu      sync.Mutex
	running bool
	start   time.Time
	end     time.Time
	changes []dnipc.ReconfigChange
}

// errReconfig is a property a reconfiguration could not apply; its text
// is the status's error message.
type errReconfig struct{ msg string }

func (e *errReconfig) Error() string { return e.msg }

// numberFormat is the message of Java's NumberFormatException for s.
func numberFormat(s string) error {
	return &errReconfig{fmt.Sprintf("For input string: %q", s)}
}

func (s *ipcServer) ReconfigurableProperties(context.Context) ([]string, error) {
	return append([]string(nil), reconfigurable...), nil
}

func (s *ipcServer) StartReconfiguration(context.Context) error {
	return s.d.startReconfiguration()
}

func (s *ipcServer) ReconfigurationStatus(context.Context) (dnipc.ReconfigStatus, error) {
	r := &s.d.reconf
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.running {
		return dnipc.ReconfigStatus{Start: r.start}, nil
	}
	return dnipc.ReconfigStatus{Start: r.start, End: r.end, Changes: append([]dnipc.ReconfigChange(nil), r.changes...)}, nil
}

// startReconfiguration is ReconfigurableBase.startReconfigurationTask,
// except that the configuration files are read before the task starts,
// so that one that cannot be read fails the call instead of the task.
func (d *Daemon) startReconfiguration() error {
	if d.reload == nil {
		return ioErr("reconfiguration is not supported by this DataNode: it was not started from configuration files")
	}
	r := &d.reconf
	r.mu.Lock()
	if r.running {
		r.mu.Unlock()
		return ioErr("Another reconfiguration task is running.")
	}
	prevStart := r.start
	r.running, r.start = true, d.now()
	r.mu.Unlock()
	fail := func(err error) error { // no task after all: the last one's status stands
		r.mu.Lock()
		r.running, r.start = false, prevStart
		r.mu.Unlock()
		return err
	}
	next, err := d.reload()
	if err != nil {
		return fail(ioErr("reconfiguration: reading the configuration: " + err.Error()))
	}
	if !d.goBg(func() {
		d.log.Info("Starting reconfiguration task.")
		changes := d.reconfigure(next)
		r.mu.Lock()
		r.running, r.end, r.changes = false, d.now(), changes
		r.mu.Unlock()
	}) {
		return fail(ioErr("The server is stopped."))
	}
	return nil
}

// reconfigure applies every changed reconfigurable property of next, in
// turn, and records what each became in the configuration in force.
func (d *Daemon) reconfigure(next *conf.Conf) []dnipc.ReconfigChange {
	var out []dnipc.ReconfigChange
	for _, ch := range changedProperties(d.conf, next) {
		d.log.Info("Change property", "property", ch.prop, "from", valueOrDefault(ch.old, ch.oldSet), "to", valueOrDefault(ch.new, ch.newSet))
		rc := dnipc.ReconfigChange{Name: ch.prop, Old: ch.old, OldSet: ch.oldSet, New: ch.new, NewSet: ch.newSet}
		var newVal *string
		if ch.newSet {
			newVal = &ch.new
		}
		effective, err := d.reconfigureProperty(ch.prop, newVal)
		switch {
		case err != nil:
			var re *errReconfig
			if !errors.As(err, &re) {
				err = &errReconfig{err.Error()}
			}
			rc.Err = err.Error()
			d.log.Warn("could not change property", "property", ch.prop, "value", valueOrDefault(ch.new, ch.newSet), "err", err)
		case ch.newSet:
			d.conf.Set(ch.prop, effective)
		default:
			d.conf.Unset(ch.prop)
		}
		out = append(out, rc)
	}
	return out
}

func valueOrDefault(v string, set bool) string {
	if !set {
		return "<default>"
	}
	return v
}

// reconfigureProperty puts one property's new value (nil: its default)
// in force and returns the value now in effect.
func (d *Daemon) reconfigureProperty(prop string, newVal *string) (string, error) {
	parse := func(def int64) (int64, error) {
		if newVal == nil {
			return def, nil
		}
		v, err := strconv.ParseInt(*newVal, 10, 64)
		if err != nil {
			return 0, numberFormat(*newVal)
		}
		return v, nil
	}
	parseInt := func(def int64) (int64, error) { // Java's Integer.parseInt
		v, err := parse(def)
		if err == nil && (v > 1<<31-1 || v < -1<<31) {
			return 0, numberFormat(*newVal)
		}
		return v, err
	}
	switch prop {
	case "dfs.datanode.balance.max.concurrent.moves", "dfs.datanode.max.transfer.threads":
		def, msg := int64(xceiver.DefaultMaxMovers), "balancer max concurrent movers must be larger than 0"
		if prop == "dfs.datanode.max.transfer.threads" {
			def, msg = xceiver.DefaultMaxTransferThreads, "dfs.datanode.max.transfer.threads should be larger than 0"
		}
		n, err := parseInt(def)
		if err != nil {
			return "", err
		}
		if n <= 0 {
			return "", &errReconfig{msg}
		}
		l := d.data.Limits()
		if prop == "dfs.datanode.max.transfer.threads" {
			l.MaxTransferThreads = int(n)
		} else {
			l.MaxMovers = int(n)
		}
		d.data.SetLimits(l)
		return strconv.FormatInt(n, 10), nil
	case "dfs.datanode.data.transfer.bandwidthPerSec", "dfs.datanode.data.write.bandwidthPerSec", "dfs.datanode.data.read.bandwidthPerSec":
		bw, err := parse(0)
		if err != nil {
			return "", err
		}
		bw = max(bw, 0)
		l := d.data.Limits()
		th := transferThrottler(bw)
		switch prop {
		case "dfs.datanode.data.transfer.bandwidthPerSec":
			l.TransferThrottler = th
		case "dfs.datanode.data.write.bandwidthPerSec":
			l.WriteThrottler = th
		default:
			l.ReadThrottler = th
		}
		d.data.SetLimits(l)
		return strconv.FormatInt(bw, 10), nil
	case "dfs.blockreport.intervalMsec":
		ms, err := parse(bpservice.DefaultBlockReportInterval.Milliseconds())
		if err != nil {
			return "", err
		}
		if ms <= 0 {
			return "", &errReconfig{"dfs.blockreport.intervalMsec should be larger than 0"}
		}
		return strconv.FormatInt(ms, 10), d.retime(func(t *bpservice.Config) {
			t.BlockReportInterval = time.Duration(ms) * time.Millisecond
			if t.InitialBlockReportDelay >= t.BlockReportInterval {
				t.InitialBlockReportDelay = 0
			}
		})
	case "dfs.blockreport.split.threshold":
		n, err := parse(bpservice.DefaultBlockReportSplitThreshold)
		if err != nil {
			return "", err
		}
		if n < 0 {
			return "", &errReconfig{"dfs.blockreport.split.threshold should be larger than or equal to 0"}
		}
		return strconv.FormatInt(n, 10), d.retime(func(t *bpservice.Config) { t.BlockReportSplitThreshold = splitThreshold(n) })
	case "dfs.blockreport.initialDelay":
		secs, err := parseInt(0)
		if err != nil {
			return "", err
		}
		return strconv.FormatInt(secs, 10), d.retime(func(t *bpservice.Config) {
			// DNConf.initBlockReportDelay: a delay that is negative or
			// not below the interval becomes 0.
			t.InitialBlockReportDelay = time.Duration(secs) * time.Second
			if t.InitialBlockReportDelay < 0 || t.InitialBlockReportDelay >= t.BlockReportInterval {
				d.log.Info("dfs.blockreport.initialDelay is negative or not below dfs.blockreport.intervalMsec; using 0", "seconds", secs)
				t.InitialBlockReportDelay = 0
			}
		})
	}
	return "", &errReconfig{"Could not change property " + prop}
}

// retime changes the block report timing for the services running and
// those refreshNamenodes starts later.
func (d *Daemon) retime(change func(*bpservice.Config)) error {
	d.poolsMu.Lock()
	defer d.poolsMu.Unlock()
	t := d.timing
	change(&t)
	if err := t.Validate(); err != nil {
		return err
	}
	d.timing = t
	for _, p := range d.pools {
		if err := p.svc.Retime(t); err != nil {
			return err
		}
	}
	return nil
}
